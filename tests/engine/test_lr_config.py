"""Each lr_config policy and warm-up, stepped by iteration, against hand-written formulas."""
import math
import warnings

import pytest
import torch
from mmengine.optim import OptimWrapper

from easycv_like.engine.lr_config import lr_config_to_schedulers
from easycv_like.registry import PARAM_SCHEDULERS

BASE_LR = 0.1


def lr_trace(lr_config, total=10, by_epoch=False):
    import easycv_like.engine  # noqa: F401  (registers ExponentialWarmupLR)
    param = torch.nn.Parameter(torch.zeros(1))
    wrapper = OptimWrapper(torch.optim.SGD([param], lr=BASE_LR))
    schedulers = [PARAM_SCHEDULERS.build(cfg, default_args=dict(optimizer=wrapper))
                  for cfg in lr_config_to_schedulers(lr_config, by_epoch, total)]
    trace = []
    warnings.filterwarnings('ignore', message='Detected call of')
    for _ in range(total):
        trace.append(wrapper.param_groups[0]['lr'])
        for s in schedulers:
            s.step()
    return trace


def test_step_policy():
    trace = lr_trace(dict(policy='step', step=[3, 6], gamma=0.1))
    assert trace == pytest.approx([0.1] * 3 + [0.01] * 3 + [0.001] * 4)


def test_cosine_policy():
    trace = lr_trace(dict(policy='CosineAnnealing', min_lr=0.0))
    assert trace == pytest.approx([0.05 * (1 + math.cos(math.pi * t / 10)) for t in range(10)])


def test_cosine_min_lr_ratio():
    trace = lr_trace(dict(policy='CosineAnnealing', min_lr_ratio=0.1))
    expect = [0.01 + 0.09 * 0.5 * (1 + math.cos(math.pi * t / 10)) for t in range(10)]
    assert trace == pytest.approx(expect)


def test_poly_policy():
    trace = lr_trace(dict(policy='poly', power=2.0, min_lr=0.0))
    assert trace == pytest.approx([0.1 * (1 - t / 9) ** 2 for t in range(10)])


def test_fixed_policy_with_linear_warmup():
    trace = lr_trace(dict(policy='fixed', warmup='linear', warmup_iters=5, warmup_ratio=0.1))
    expect = [0.1 * (0.1 + 0.9 * t / 5) for t in range(5)] + [0.1] * 5
    assert trace == pytest.approx(expect)


def test_constant_warmup():
    trace = lr_trace(dict(policy='fixed', warmup='constant', warmup_iters=4, warmup_ratio=0.25))
    assert trace == pytest.approx([0.025] * 4 + [0.1] * 6)


def test_exp_warmup():
    trace = lr_trace(dict(policy='fixed', warmup='exp', warmup_iters=5, warmup_ratio=0.01))
    expect = [0.1 * 0.01 ** (1 - t / 5) for t in range(5)] + [0.1] * 5
    assert trace == pytest.approx(expect)


def test_warmup_multiplies_the_policy():
    trace = lr_trace(dict(policy='CosineAnnealing', warmup='linear', warmup_iters=5,
                          warmup_ratio=0.1))
    cosine = [0.05 * (1 + math.cos(math.pi * t / 10)) for t in range(10)]
    factor = [0.1 + 0.9 * t / 5 for t in range(5)] + [1.0] * 5
    assert trace == pytest.approx([c * f for c, f in zip(cosine, factor)])


def test_unknown_policy_is_named():
    with pytest.raises(KeyError, match="'cosine'"):
        lr_config_to_schedulers(dict(policy='cosine'), False, 10)
