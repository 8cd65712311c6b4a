"""The YOLOX policy and the quadratic warm-up of ``WarmupPolicyLR`` against Megvii's
``yoloxwarmcos``: written out here, and as Megvii's own function computed it
(``data/yolox_lr_reference.json``, written by ``data/make_yolox_lr_reference.py``)."""
import json
import math
import os.path as osp

import pytest
import torch
from mmengine.optim import OptimWrapper

from easycv_like.apis.config import load_config
from easycv_like.engine.build_runner import apply_overrides, build_runner
from easycv_like.engine.lr_config import lr_config_to_schedulers
from easycv_like.errors import ConfigError
from easycv_like.registry import PARAM_SCHEDULERS

from ..conftest import write_tiny_config
from .test_lr_config import _RecordLR, lr_trace

YOLOX = dict(policy='YOLOX', warmup='quadratic', warmup_by_epoch=True, warmup_iters=5,
             warmup_ratio=0.0, num_last_epochs=15, min_lr_ratio=0.05, by_epoch=False)


def _optimizer() -> OptimWrapper:
    return OptimWrapper(torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1))


def megvii(i, lr, total, warmup, start, last, ratio):
    """Megvii's yoloxwarmcos at ``i`` (its trainer passes iteration + 1)."""
    floor = lr * ratio
    if i <= warmup:
        return (lr - start) * (i / warmup) ** 2 + start
    if i >= total - last:
        return floor
    return floor + 0.5 * (lr - floor) * (1 + math.cos(math.pi * (i - warmup) /
                                                      (total - warmup - last)))


def test_yolox_recipe_at_the_phase_boundaries():
    """The recipe's keys, 7 iterations x 30 epochs: warm-up 35, cosine 70, last 105 iterations
    (LR in lr_trace is 0.1)."""
    trace = lr_trace(YOLOX, total=30, by_epoch=True, epoch_length=7)
    assert len(trace) == 210
    expect = [megvii(i + 1, 0.1, 210, 35, 0.0, 105, 0.05) for i in range(210)]
    assert trace == pytest.approx(expect, rel=1e-12)
    assert trace[0] == pytest.approx(0.1 / 35 ** 2)  # ((0 + 1) / 35) ** 2: no wasted step
    assert trace[33] == pytest.approx(0.1 * (34 / 35) ** 2)
    assert trace[34] == pytest.approx(0.1)  # the warm-up ends on the full rate
    assert trace[35] == pytest.approx(0.005 + 0.0475 * (1 + math.cos(math.pi / 70)))
    assert trace[69] == pytest.approx(0.005 + 0.0475 * (1 + math.cos(math.pi * 35 / 70)))
    assert trace[103] == pytest.approx(0.005 + 0.0475 * (1 + math.cos(math.pi * 69 / 70)))
    assert trace[104:] == pytest.approx([0.005] * 106)  # the last 15 epochs at 0.05 x lr


def test_yolox_equals_megvii_function():
    with open(osp.join(osp.dirname(__file__), 'data', 'yolox_lr_reference.json')) as f:
        reference = json.load(f)
    assert len(reference['runs']) == 2
    for run in reference['runs']:
        cfg = dict(YOLOX, warmup_iters=run['warmup_epochs'],
                   warmup_ratio=run['warmup_lr_start'] / run['lr'],
                   num_last_epochs=run['num_last_epochs'], min_lr_ratio=run['min_lr_ratio'])
        trace = lr_trace(cfg, total=run['epochs'], by_epoch=True,
                         epoch_length=run['epoch_length'])
        assert [t / 0.1 * run['lr'] for t in trace] == pytest.approx(run['lrs'], rel=1e-12)


def test_quadratic_warmup_with_another_policy():
    trace = lr_trace(dict(policy='CosineAnnealing', warmup='quadratic', warmup_iters=4,
                          warmup_ratio=0.2), total=10)
    cosine = [0.05 * (1 + math.cos(math.pi * t / 10)) for t in range(10)]
    factors = [0.2 + 0.8 * ((t + 1) / 4) ** 2 for t in range(4)] + [1] * 6
    assert trace == pytest.approx([c * f for c, f in zip(cosine, factors)])
    assert factors[:4] == pytest.approx([0.25, 0.4, 0.65, 1.0])


def test_yolox_in_an_iteration_run_without_last_epochs():
    trace = lr_trace(dict(policy='YOLOX', warmup='quadratic', warmup_iters=2, warmup_ratio=0.0,
                          min_lr=0.01), total=6)
    assert trace == pytest.approx([megvii(i + 1, 0.1, 6, 2, 0.0, 0, 0.1) for i in range(6)])
    assert trace[2] == pytest.approx(0.01 + 0.045 * (1 + math.cos(math.pi / 4)))


def test_bad_yolox_configs_are_named():
    """ConfigError (one line from the tools), naming the lr_config key and its value."""
    with pytest.raises(ConfigError) as err:
        lr_trace(dict(YOLOX, num_last_epochs=25), total=30, by_epoch=True, epoch_length=7)
    assert str(err.value) == ("lr_config.policy='YOLOX': the warm-up (35 iterations) and "
                              'lr_config.num_last_epochs=25 (175 iterations) leave no cosine '
                              "phase in the run's 210 iterations: shorten them or train longer.")
    with pytest.raises(ConfigError, match="^lr_config.by_epoch=True: policy='YOLOX' advances "
                                          'every iteration; set lr_config.by_epoch=False'):
        lr_config_to_schedulers(dict(YOLOX, by_epoch=True), True, 30)
    with pytest.raises(ConfigError, match="'num_last_epochs' is not used by policy "
                                          "'CosineAnnealing'"):
        lr_config_to_schedulers(dict(policy='CosineAnnealing', num_last_epochs=2), True, 10)
    with pytest.raises(ConfigError) as err:
        lr_trace(dict(warmup='exp', warmup_iters=2, warmup_ratio=0.0))
    assert str(err.value) == ("lr_config.warmup='exp' needs warmup_ratio > 0, got "
                              'lr_config.warmup_ratio=0.0.')


@pytest.mark.parametrize('key,value', [('num_last_epochs', 2), ('by_epoch', True),
                                       ('warmup_by_epoch', True)])
def test_epoch_keys_in_an_iteration_run_are_refused_before_the_runner(key, value):
    """Known from the config alone: refused when the schedule is converted (before the Runner
    and the model are built), and by the scheduler built on its own."""
    lr_config = dict(policy='YOLOX', warmup='linear', warmup_iters=1, **{key: value})
    message = (f'lr_config.{key}={value!r} counts epochs: train with total_epochs, not '
               'total_iters, or leave it out.')
    with pytest.raises(ConfigError) as err:
        lr_config_to_schedulers(lr_config, False, 30)
    assert str(err.value) == message
    scheduler = dict(lr_config_to_schedulers(dict(policy='YOLOX'), False, 30)[0],
                     **{'policy_by_epoch' if key == 'by_epoch' else key: value})
    with pytest.raises(ConfigError) as err:
        PARAM_SCHEDULERS.build(scheduler, default_args=dict(optimizer=_optimizer()))
    assert str(err.value) == message


def test_yolox_defaults_to_per_iteration_in_an_epoch_run():
    scheduler, = lr_config_to_schedulers(dict(policy='YOLOX'), True, 10)
    assert scheduler['policy_by_epoch'] is False
    cosine, = lr_config_to_schedulers(dict(policy='CosineAnnealing'), True, 10)
    assert cosine['policy_by_epoch'] is True


def test_a_whole_yolox_run_spans_epochs_times_iterations(tmp_path, tiny_digits):
    """by_epoch=False with total_epochs: 3 epochs x 8 iterations, not 3 iterations."""
    lr_cfg = ('lr_config = dict(_delete_=True, policy=\'YOLOX\', warmup=\'quadratic\', '
              'warmup_by_epoch=True, warmup_iters=1, warmup_ratio=0.0, num_last_epochs=1, '
              'min_lr_ratio=0.05, by_epoch=False)\ntotal_epochs = 3')
    cfg = apply_overrides(load_config(write_tiny_config(str(tmp_path), tiny_digits,
                                                        extra=lr_cfg)), str(tmp_path / 'work'))
    cfg.eval_pipelines = []
    base = cfg.optimizer.lr
    runner = build_runner(cfg)
    hook = _RecordLR()
    runner.register_hook(hook)
    runner.train()
    assert len(hook.lrs) == 24
    assert hook.lrs == pytest.approx([megvii(i + 1, base, 24, 8, 0.0, 8, 0.05)
                                      for i in range(24)])
    assert hook.lrs[12] == pytest.approx(base * (0.05 + 0.475 * (1 + math.cos(math.pi * 5 / 8))))
