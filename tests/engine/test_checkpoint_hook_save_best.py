"""With save_best, each epoch/iteration checkpoint is written once, after its validation, and
holds the best score (mmengine wrote it before validation and again when the best improved)."""
import collections
import os.path as osp

import pytest
from mmengine.runner import Runner

from easycv_like import train
from easycv_like.utils.checkpoint import load_checkpoint_file

from ..conftest import write_tiny_config


@pytest.fixture
def saved_files(monkeypatch):
    """Counts ``Runner.save_checkpoint`` calls by file name."""
    counts = collections.Counter()
    original = Runner.save_checkpoint

    def counting(self, out_dir, filename, *args, **kwargs):
        counts[filename] += 1
        return original(self, out_dir, filename, *args, **kwargs)
    monkeypatch.setattr(Runner, 'save_checkpoint', counting)
    return counts


def _best_score(path):
    hub = load_checkpoint_file(path)['message_hub']
    return hub['runtime_info']['best_score']


def test_epoch_checkpoints_are_written_once_with_the_best_score(tmp_path, tiny_digits,
                                                                saved_files):
    cfg = write_tiny_config(str(tmp_path), tiny_digits,
                            "eval_config = dict(interval=1, save_best='val/top1')\n")
    result = train(cfg, work_dir=str(tmp_path / 'work'))
    epochs = {k: v for k, v in saved_files.items() if k.startswith('epoch_')}
    assert epochs == {'epoch_1.pth': 1, 'epoch_2.pth': 1}
    assert sum(v for k, v in saved_files.items() if k.startswith('best_')) >= 1
    scores = [r for r in _val_top1(str(tmp_path / 'work'))]
    assert len(scores) == 2
    assert _best_score(osp.join(tmp_path, 'work', 'epoch_2.pth')) == pytest.approx(max(scores))
    assert _best_score(osp.join(tmp_path, 'work', 'epoch_1.pth')) == pytest.approx(scores[0])
    assert result['checkpoint'].endswith('epoch_2.pth')


def test_iteration_checkpoints_are_written_once(tmp_path, tiny_digits, saved_files):
    cfg = write_tiny_config(str(tmp_path), tiny_digits, (
        "total_epochs = None\ntotal_iters = 4\n"
        "lr_config = dict(warmup_iters=2, by_epoch=False)\n"
        "eval_config = dict(interval=2, save_best='val/top1')\n"
        "checkpoint_config = dict(interval=1, max_keep_ckpts=-1, by_epoch=False)\n"))
    train(cfg, work_dir=str(tmp_path / 'work'))
    iters = {k: v for k, v in saved_files.items() if k.startswith('iter_')}
    assert iters == {'iter_1.pth': 1, 'iter_2.pth': 1, 'iter_3.pth': 1, 'iter_4.pth': 1}
    assert _best_score(osp.join(tmp_path, 'work', 'iter_4.pth')) == pytest.approx(
        max(_val_top1(str(tmp_path / 'work'))))


def _val_top1(work_dir):
    """Every ``val/top1`` logged in the run's scalars.json, in order."""
    import glob
    import json
    [scalars] = glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))
    with open(scalars) as f:
        rows = [json.loads(line) for line in f]
    return [row['val/top1'] for row in rows if 'val/top1' in row]


def test_save_best_metric_the_validation_lacks_names_it_and_keeps_the_checkpoint(tmp_path,
                                                                                  tiny_digits):
    """'val/top3' passes the static check (its pipeline exists); mmengine stopped with a bare
    KeyError after the first validation and without that step's checkpoint."""
    from easycv_like.engine.config_schema import ConfigError
    cfg = write_tiny_config(str(tmp_path), tiny_digits, (
        "total_epochs = None\ntotal_iters = 2\nlr_config = dict(warmup_iters=1, by_epoch=False)\n"
        "eval_config = dict(interval=2, save_best='val/top3')\n"
        "checkpoint_config = dict(interval=2, by_epoch=False)\n"))
    with pytest.raises(ConfigError) as err:
        train(cfg, work_dir=str(tmp_path / 'work'))
    assert str(err.value) == ("eval_config.save_best='val/top3' is not a metric of the "
                              "validation (did you mean 'val/top5'?); it gave val/top1, val/top5.")
    assert osp.isfile(tmp_path / 'work' / 'iter_2.pth')
