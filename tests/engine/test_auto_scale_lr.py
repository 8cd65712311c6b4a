"""auto_scale_lr: lr x (world size x imgs_per_gpu x update_interval) / base_batch_size, applied
once by mmengine's Runner before the schedulers read their initial rates, and logged."""
import glob
import os.path as osp

import pytest
from mmengine.config import Config

from easycv_like import train
from easycv_like.apis.config import load_config
from easycv_like.engine.auto_scale_lr import runner_auto_scale_lr
from easycv_like.engine.build_runner import apply_overrides, build_runner, check_schema
from easycv_like.utils.checkpoint import load_checkpoint_file

from ..conftest import write_tiny_config
from .test_lr_config import _RecordLR

EXTRA = ("lr_config = dict(_delete_=True, policy='CosineAnnealing', min_lr_ratio=0.5)\n"
         'auto_scale_lr = dict(base_batch_size=64)\n'
         'total_epochs = None\ntotal_iters = 4\n')


def _log_text(work_dir):
    logs = glob.glob(osp.join(work_dir, '*', '*.log'))
    assert logs, f'no log file under {work_dir}'
    return ''.join(open(path).read() for path in logs)


@pytest.mark.parametrize('update_interval,ratio', [(1, 0.125), (2, 0.25)])
def test_one_process_batch_8_scales_every_rate(tmp_path, tiny_digits, update_interval, ratio):
    cfg = apply_overrides(load_config(write_tiny_config(str(tmp_path), tiny_digits, EXTRA)),
                          str(tmp_path / 'work'))
    cfg.data.imgs_per_gpu = 8
    cfg.optimizer_config.update_interval = update_interval
    cfg.eval_pipelines = []
    base = cfg.optimizer.lr
    runner = build_runner(cfg)
    hook = _RecordLR()
    runner.register_hook(hook)
    runner.train()
    scaled = base * ratio  # the schedule starts from the scaled rate, floor 0.5 x scaled
    assert hook.lrs == pytest.approx([scaled * (0.75 + 0.25 * c) for c in (1, 0.5 ** 0.5, 0,
                                                                            -(0.5 ** 0.5))])
    assert runner.optim_wrapper.param_groups[0]['initial_lr'] == pytest.approx(scaled)
    assert f'Scaling the original LR by {ratio}' in _log_text(runner.work_dir)
    assert runner.cfg.optimizer.lr == base  # the saved config keeps the declared rate


def test_disabled_or_absent_leaves_the_rate():
    assert runner_auto_scale_lr(None, 1) is None
    assert runner_auto_scale_lr(dict(base_batch_size=64, enable=False), 4) is None
    assert runner_auto_scale_lr(dict(base_batch_size=64, enable=True), 1) == dict(
        enable=True, base_batch_size=64)


def test_schema_fills_enable_and_needs_a_base():
    data = dict(train=dict(type='ClsDataset', data_source=dict(type='ImageList', list_file='x'),
                           pipeline=[]))
    base = dict(model=dict(type='Classification'), data=data, total_epochs=1,
                optimizer=dict(type='SGD', lr=0.1))
    assert check_schema(Config(dict(base, auto_scale_lr=dict(base_batch_size=64)))
                        ).auto_scale_lr == dict(base_batch_size=64, enable=True)
    with pytest.raises(KeyError, match='auto_scale_lr.base_batch_size is required'):
        check_schema(Config(dict(base, auto_scale_lr=dict(enable=True))))
    with pytest.raises(KeyError, match='auto_scale_lr.base_batch_size must be >= 1'):
        check_schema(Config(dict(base, auto_scale_lr=dict(base_batch_size=0))))


@pytest.mark.slow
def test_two_gloo_processes_count_both_batches(tmp_path, tiny_digits):
    config = write_tiny_config(str(tmp_path), tiny_digits, EXTRA)
    result = train(config, gpus=2, work_dir=str(tmp_path / 'ddp'),
                   cfg_options={'data.imgs_per_gpu': 8, 'eval_pipelines': []})
    assert 'current batch size is 16. Scaling the original LR by 0.25' in _log_text(
        result['work_dir'])
    groups = load_checkpoint_file(result['checkpoint'])['optimizer']['param_groups']
    base = load_config(config).optimizer.lr
    assert groups[0]['initial_lr'] == pytest.approx(base * 0.25)
