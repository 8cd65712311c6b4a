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


def test_save_best_naming_no_reported_metric_is_a_config_error():
    """mmengine stopped with a bare KeyError once the first validation had run."""
    from easycv_like.engine.hooks.checkpoint_hook import CheckpointHook
    from easycv_like.errors import ConfigError
    hook = CheckpointHook(interval=1, save_best='coco/voc/mAP')
    with pytest.raises(ConfigError, match=r"save_best='coco/voc/mAP' is not a metric of the "
                                          r"evaluation \(did you mean 'coco/mAP'\?\); it "
                                          r"reported \['coco/mAP', 'coco/mAP50'\]"):
        hook._save_best_checkpoint(None, {'coco/mAP': 1.0, 'coco/mAP50': 2.0})
