"""LARS: steps against hand computations, the trust ratio, exclusions, building from config."""
import math

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope

import easycv_like  # noqa: F401
from easycv_like.engine.build_runner import _optim_wrapper
from easycv_like.engine.optimizers import LARS
from easycv_like.registry import OPTIMIZERS


def _param(values, grad):
    p = torch.nn.Parameter(torch.tensor(values))
    p.grad = torch.tensor(grad)
    return p


def test_one_step_equals_hand_computation():
    # w = (3, 4): ||w|| = 5; g = (0.5, 0); d = g + 0.1 w = (0.8, 0.4): ||d|| = sqrt(0.8)
    p = _param([3.0, 4.0], [0.5, 0.0])
    LARS([p], lr=2.0, momentum=0.9, weight_decay=0.1, eta=0.01, eps=0.0).step()
    trust = 0.01 * 5.0 / math.sqrt(0.8)
    expected = torch.tensor([3.0 - 2.0 * trust * 0.8, 4.0 - 2.0 * trust * 0.4])
    assert torch.allclose(p.detach(), expected, atol=1e-6)


def test_second_step_uses_momentum_with_the_learning_rate_inside():
    p = _param([1.0, 0.0], [1.0, 0.0])  # ||w|| = ||d|| = 1: trust = eta
    opt = LARS([p], lr=1.0, momentum=0.5, eta=0.1, eps=0.0)
    opt.step()  # v = 1 * 0.1 * (1, 0); w = (0.9, 0)
    assert torch.allclose(p.detach(), torch.tensor([0.9, 0.0]))
    opt.param_groups[0]['lr'] = 2.0
    p.grad = torch.tensor([2.0, 0.0])  # trust = 0.1 * 0.9 / 2
    opt.step()  # v = 0.5 * 0.1 + 2 * 0.045 * 2 = 0.23
    assert torch.allclose(p.detach(), torch.tensor([0.9 - 0.23, 0.0]), atol=1e-6)
    assert torch.allclose(opt.state[p]['momentum_buffer'], torch.tensor([0.23, 0.0]))


def test_trust_ratio_makes_the_step_independent_of_the_gradient_scale():
    steps = []
    for scale in (1e-3, 1.0, 1e3):
        p = _param([1.0, -2.0, 2.0], [scale * 0.3, scale * 0.1, -scale * 0.2])
        LARS([p], lr=1.0, momentum=0.0, eta=0.001, eps=0.0).step()
        steps.append(torch.tensor([1.0, -2.0, 2.0]) - p.detach())
    for step in steps:  # ||step|| = lr * eta * ||w|| = 0.003 whatever the gradient's size
        assert step.norm().item() == pytest.approx(0.003, rel=1e-5)
        assert torch.allclose(step, steps[0], atol=1e-8)


def test_zero_weight_or_gradient_gives_trust_one():
    p = _param([0.0, 0.0], [0.2, 0.0])
    LARS([p], lr=0.5, momentum=0.0, eta=0.001).step()
    assert torch.allclose(p.detach(), torch.tensor([-0.1, 0.0]))


def test_1d_parameters_are_excluded_from_adaptation_and_decay():
    weight = _param([[3.0, 4.0]], [[1.0, 0.0]])
    bias = _param([3.0, 4.0], [1.0, 0.0])
    LARS([weight, bias], lr=0.5, momentum=0.0, weight_decay=0.1, eta=0.001,
         exclude_1d=True).step()
    assert torch.allclose(bias.detach(), torch.tensor([2.5, 4.0]))  # plain SGD, no decay
    assert not torch.allclose(weight.detach(), torch.tensor([[2.5, 4.0]]))
    assert (torch.tensor([[3.0, 4.0]]) - weight.detach()).norm() < 0.01  # adapted step


def test_group_flag_excludes_and_defaults_fill_other_groups():
    a, b = _param([3.0, 4.0], [1.0, 0.0]), _param([3.0, 4.0], [1.0, 0.0])
    opt = LARS([dict(params=[a], lars_exclude=True), dict(params=[b])], lr=0.5, momentum=0.0,
               weight_decay=0.1)
    opt.step()
    assert torch.allclose(a.detach(), torch.tensor([2.5, 4.0]))
    assert opt.param_groups[1]['lars_exclude'] is False
    assert (torch.tensor([3.0, 4.0]) - b.detach()).norm() < 0.01


def test_builds_from_the_config_schema_with_custom_keys():
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3))
    cfg = Config(dict(optimizer=dict(
        type='LARS', lr=0.3, weight_decay=1e-6, exclude_1d=True,
        paramwise_options=dict(custom_keys={'0.weight': dict(lars_exclude=True)}))))
    with DefaultScope.overwrite_default_scope('easycv_like'):
        wrapper = build_optim_wrapper(model, _optim_wrapper(cfg))
    assert isinstance(wrapper.optimizer, LARS) and OPTIMIZERS.get('LARS') is LARS
    flags = {id(p): g['lars_exclude'] for g in wrapper.param_groups for p in g['params']}
    assert flags[id(model[0].weight)] is True and flags[id(model[0].bias)] is False
    model(torch.randn(5, 4)).sum().backward()
    wrapper.step()


def test_byol_convention_keeps_the_learning_rate_outside_the_buffer():
    p = _param([1.0, 0.0], [1.0, 0.0])  # ||w|| = ||d|| = 1: trust = eta
    opt = LARS([p], lr=1.0, momentum=0.5, eta=0.1, eps=0.0, lr_inside_momentum=False)
    opt.step()  # v = 0.1 * (1, 0); w = (1, 0) - 1 * v = (0.9, 0)
    assert torch.allclose(p.detach(), torch.tensor([0.9, 0.0]))
    opt.param_groups[0]['lr'] = 2.0
    p.grad = torch.tensor([2.0, 0.0])  # trust = 0.1 * 0.9 / 2 = 0.045
    opt.step()  # v = 0.5 * 0.1 + 0.045 * 2 = 0.14; w = 0.9 - 2 * 0.14 (SimCLR's: 0.9 - 0.23)
    assert torch.allclose(opt.state[p]['momentum_buffer'], torch.tensor([0.14, 0.0]))
    assert torch.allclose(p.detach(), torch.tensor([0.62, 0.0]), atol=1e-6)
