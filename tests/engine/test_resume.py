"""A run interrupted after a checkpoint and resumed ends exactly where an uninterrupted one does."""
import os.path as osp

import pytest
import torch

from easycv_like import train
from easycv_like.utils.checkpoint import load_checkpoint_file

from ..conftest import write_tiny_config

STOP_HOOK = '''
from mmengine.hooks import Hook
from easycv_like.registry import HOOKS


@HOOKS.register_module()
class CrashAtEpochHook(Hook):
    def __init__(self, epoch):
        self.epoch = epoch

    def before_train_epoch(self, runner):
        if runner.epoch == self.epoch:
            raise RuntimeError(f'simulated crash at epoch {self.epoch}')
'''


def _final(work_dir):
    return load_checkpoint_file(osp.join(work_dir, 'epoch_2.pth'))


def test_interrupted_and_resumed_run_matches(tmp_path, tiny_digits, monkeypatch):
    (tmp_path / 'crash_hook.py').write_text(STOP_HOOK)
    monkeypatch.syspath_prepend(str(tmp_path))
    plain = write_tiny_config(str(tmp_path), tiny_digits)
    full = train(plain, work_dir=str(tmp_path / 'A'))

    crash_dir = tmp_path / 'crash'
    crash_dir.mkdir()
    crashing = write_tiny_config(str(crash_dir), tiny_digits, extra=(
        "custom_imports = dict(imports=['crash_hook'])\n"
        "custom_hooks = [dict(type='CrashAtEpochHook', epoch=1)]"))
    with pytest.raises(RuntimeError, match='simulated crash'):
        train(crashing, work_dir=str(tmp_path / 'B'))
    assert sorted(p.name for p in (tmp_path / 'B').glob('epoch_*.pth')) == ['epoch_1.pth']

    resumed = train(plain, work_dir=str(tmp_path / 'B'), resume='auto')
    a, b = _final(full['work_dir']), _final(resumed['work_dir'])
    assert a['meta']['epoch'] == b['meta']['epoch'] == 2
    assert a['meta']['iter'] == b['meta']['iter'] == 16
    for key, value in a['state_dict'].items():
        assert torch.equal(value, b['state_dict'][key]), key
    for pa, pb in zip(a['optimizer']['state'].values(), b['optimizer']['state'].values()):
        assert torch.equal(pa['momentum_buffer'], pb['momentum_buffer'])
    assert a['param_schedulers'] == b['param_schedulers']
    assert full['metrics'] == resumed['metrics']
