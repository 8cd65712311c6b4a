"""CheckpointHook refuses checkpoints of a broken model and names the file a failed write was
for."""
import errno
import os

import pytest
import torch

from easycv_like import train
from easycv_like.engine.checkpoint_integrity import (MAX_MAGNITUDE, NonFiniteCheckpointError,
                                                     broken_tensors)

from ..conftest import write_tiny_config

_ONE_ITER = ("total_epochs = None\ntotal_iters = 2\neval_pipelines = []\n"
             "lr_config = dict(warmup_iters=1)\n"  # the warm-up ends before the last iteration
             "checkpoint_config = dict(interval=1, by_epoch=False)\n")


def test_broken_tensors_names_non_finite_and_absurd_values():
    checkpoint = dict(
        state_dict={'conv.weight': torch.tensor([1.0, float('nan'), float('inf')]),
                    'fc.weight': torch.tensor([5.7e37, 1.0]),
                    'bn.num_batches_tracked': torch.tensor(10 ** 15),
                    'ok': torch.tensor([MAX_MAGNITUDE, -3.0])},
        optimizer={'state': {0: {'momentum_buffer': torch.tensor([float('-inf')])}},
                   'param_groups': [{'lr': 0.1}]})
    assert broken_tensors(checkpoint) == [
        'state_dict.conv.weight (2 NaN/Inf values)',
        'state_dict.fc.weight (|value| up to 5.7e+37 > 1e+19)',
        'optimizer.state.0.momentum_buffer (1 NaN/Inf values)']
    assert broken_tensors(dict(state_dict={'w': torch.ones(2)})) == []


def test_huge_learning_rate_is_refused_before_the_checkpoint_is_written(tmp_path, tiny_digits):
    cfg = write_tiny_config(str(tmp_path), tiny_digits, extra=_ONE_ITER + (
        "optimizer = dict(lr=3e38)\nlr_config = dict(_delete_=True, policy='fixed')\n"))
    with pytest.raises(NonFiniteCheckpointError, match=r'Refusing to write .*iter_1\.pth.*'
                       r'state_dict\.backbone\.conv1\.weight'):
        train(cfg, work_dir=str(tmp_path / 'W'))
    assert not (tmp_path / 'W' / 'iter_1.pth').exists()
    assert not (tmp_path / 'W' / 'latest.pth').exists()


def test_full_disk_error_names_the_checkpoint_file(tmp_path, tiny_digits, monkeypatch):
    cfg = write_tiny_config(str(tmp_path), tiny_digits, extra=_ONE_ITER)

    def no_space(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(os, 'fsync', no_space)
    work = tmp_path / 'W'
    with pytest.raises(OSError, match=r'Could not write checkpoint .*W/iter_1\.pth: No space '
                       r'left on device') as info:
        train(cfg, work_dir=str(work))
    assert info.value.errno == errno.ENOSPC
    assert sorted(p.name for p in work.iterdir() if p.suffix in ('.pth', '.tmp')) == []
