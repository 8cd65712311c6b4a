"""``seed=None``: a fresh seed per run that the data order and augmentation also use, and that a
resumed run takes from its checkpoint (it drew another one, so the resumed epochs were shuffled
differently and a mid-epoch resume repeated some samples and skipped others)."""
import json
import os.path as osp

import pytest

from easycv_like import train
from easycv_like.engine.build_runner import run_seed
from easycv_like.utils.checkpoint import load_checkpoint_file

from ..conftest import write_tiny_config

PLUGIN = '''
import json, os
from mmengine.hooks import Hook
from easycv_like.registry import HOOKS


@HOOKS.register_module(force=True)
class SeedTraceHook(Hook):
    """Writes the seeds of the training data each epoch; raises at epoch ``crash_at``."""

    def __init__(self, crash_at=None):
        self.crash_at = crash_at

    def before_train_epoch(self, runner):
        loader = runner.train_dataloader
        with open(os.path.join(runner.work_dir, 'seeds.jsonl'), 'a') as f:
            f.write(json.dumps(dict(epoch=runner.epoch, runner=runner.seed,
                                    sampler=loader.sampler.seed,
                                    dataset=loader.dataset.seed)) + '\\n')
        if runner.epoch == self.crash_at:
            raise RuntimeError('simulated crash')
'''


def _seeds(work_dir):
    with open(osp.join(work_dir, 'seeds.jsonl')) as f:
        return [json.loads(line) for line in f]


def test_resumed_unseeded_run_keeps_its_seed(tmp_path, tiny_digits, monkeypatch):
    (tmp_path / 'seed_trace.py').write_text(PLUGIN)
    monkeypatch.syspath_prepend(str(tmp_path))
    common = "seed = None\ncustom_imports = dict(imports=['seed_trace'])\n"
    crashing = write_tiny_config(str(tmp_path), tiny_digits, extra=common + (
        "custom_hooks = [dict(type='SeedTraceHook', crash_at=1)]"))
    work = str(tmp_path / 'work')
    with pytest.raises(RuntimeError, match='simulated crash'):
        train(crashing, work_dir=work)
    saved = load_checkpoint_file(osp.join(work, 'epoch_1.pth'))['meta']['seed']
    plain = write_tiny_config(str(tmp_path), tiny_digits, extra=common + (
        "custom_hooks = [dict(type='SeedTraceHook')]"))
    train(plain, work_dir=work, resume='auto')
    first, crashed, resumed = _seeds(work)
    assert (first['epoch'], crashed['epoch'], resumed['epoch']) == (0, 1, 1)
    for row in (first, crashed, resumed):
        assert row['runner'] == row['sampler'] == row['dataset'] == saved


def test_run_seed():
    assert run_seed(7, None) == run_seed(7, 3) == 7
    assert run_seed(None, 3) == 3
    assert run_seed(None, None) != run_seed(None, None)  # fresh: 1 in 2**31 to collide
