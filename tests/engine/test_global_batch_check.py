"""MoCo's queue needs whole global batches: a config that breaks the rule fails when the run is
built (before any data is read), naming the keys, not at the first training step."""
import importlib

import pytest
from mmengine.config import Config

from easycv_like.engine.global_batch_check import launch_world_size
from easycv_like.errors import ConfigError

from .test_runner_mapping import MOCO, VIEWS

engine = importlib.import_module('easycv_like.engine.build_runner')


def _build(monkeypatch, tmp_path, **data):
    monkeypatch.setattr(engine, 'Runner', lambda **kwargs: kwargs)
    data = dict(dict(imgs_per_gpu=4, workers_per_gpu=0, drop_last=True, train=VIEWS), **data)
    return engine.build_runner(Config(dict(
        model=MOCO, data=data, total_iters=2, work_dir=str(tmp_path),
        optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4))))


def test_queue_not_a_multiple_of_the_batch_fails_at_build_naming_both_keys(monkeypatch,
                                                                           tmp_path):
    # VIEWS' list file does not exist: the error comes before any data source is built
    with pytest.raises(ConfigError, match=r'model\.queue_len=8 .* global batch 3 '
                                          r'\(data\.imgs_per_gpu x world size\)'):
        _build(monkeypatch, tmp_path, imgs_per_gpu=3)


def test_queue_needs_full_last_batches(monkeypatch, tmp_path):
    with pytest.raises(ConfigError, match=r'data\.drop_last=True'):
        _build(monkeypatch, tmp_path, drop_last=False)


def test_a_fitting_batch_builds(monkeypatch, tmp_path):
    assert _build(monkeypatch, tmp_path, imgs_per_gpu=2)['model'].queue_len == 8


def test_world_size_counts_slurm_tasks_before_the_group_is_joined(monkeypatch):
    monkeypatch.setenv('SLURM_NTASKS', '4')
    assert launch_world_size('slurm') == 4
    assert launch_world_size('none') == 1
