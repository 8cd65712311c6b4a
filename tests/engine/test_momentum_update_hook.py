"""MomentumUpdateHook: exact EMA values, buffers copied, accumulation steps skipped, the model's
cosine schedule."""
import math
from types import SimpleNamespace

import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper, OptimWrapperDict
from torch import nn

from easycv_like.engine.hooks import MomentumUpdateHook
from easycv_like.errors import ConfigError
from easycv_like.models.selfsup.momentum_encoders import MomentumEncodersMixin
from easycv_like.registry import HOOKS


class _Pair(MomentumEncodersMixin, nn.Module):
    """An online Linear+BN and its momentum twin, declared as a momentum pair."""

    def __init__(self, momentum=0.9, momentum_end=None):
        super().__init__()
        self.set_momentum_schedule(momentum, momentum_end)
        self.online = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
        self.add_momentum_copy('online')
        with torch.no_grad():
            self.online[0].weight.copy_(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
            self.online[0].bias.fill_(1.0)
            self.online[1].running_mean.fill_(5.0)
            self.target[0].weight.zero_()
            self.target[0].bias.fill_(-1.0)

    @property
    def target(self):
        return self.momentum_online


def _runner(model, wrapper=None, it=0, max_iters=100):
    wrapper = wrapper or OptimWrapper(torch.optim.SGD(model.online.parameters(), lr=0.1))
    return SimpleNamespace(model=model, optim_wrapper=wrapper, iter=it, max_iters=max_iters,
                           message_hub=MessageHub.get_instance('test_momentum_hook'))


def test_exact_ema_and_buffer_copy():
    model = _Pair(momentum=0.9)
    runner = _runner(model)
    hook = HOOKS.build(dict(type='MomentumUpdateHook'))
    hook.after_train_iter(runner, batch_idx=0)
    assert torch.allclose(model.target[0].weight, torch.tensor([[0.1, 0.2], [0.3, 0.4]]))
    assert torch.allclose(model.target[0].bias, torch.full((2,), -0.8))
    assert torch.equal(model.target[1].running_mean, torch.full((2,), 5.0))
    hook.after_train_iter(runner, batch_idx=1)
    assert torch.allclose(model.target[0].bias, torch.full((2,), 0.9 * -0.8 + 0.1))
    assert runner.message_hub.get_scalar('train/momentum').current() == pytest.approx(0.9)


def _accumulating_step(model, wrapper):
    loss = model.online(torch.randn(4, 2)).sum()
    wrapper.update_params(loss)


def test_no_update_on_accumulation_steps():
    model = _Pair()
    wrapper = OptimWrapper(torch.optim.SGD(model.online.parameters(), lr=0.1),
                           accumulative_counts=2)
    runner, hook = _runner(model, wrapper), MomentumUpdateHook()
    before = model.target[0].weight.clone()
    _accumulating_step(model, wrapper)  # 1st of 2: gradients accumulate, no optimizer step
    hook.after_train_iter(runner, batch_idx=0)
    assert torch.equal(model.target[0].weight, before)
    _accumulating_step(model, wrapper)  # 2nd: the optimizer steps
    hook.after_train_iter(runner, batch_idx=1)
    assert torch.allclose(model.target[0].weight, 0.9 * before + 0.1 * model.online[0].weight)


def test_optim_wrapper_dict():
    model = _Pair()
    wrapper = OptimWrapperDict(a=OptimWrapper(torch.optim.SGD(model.online.parameters(), lr=0.1),
                                              accumulative_counts=2))
    hook, runner = MomentumUpdateHook(), _runner(model, wrapper)
    before = model.target[0].weight.clone()
    _accumulating_step(model, wrapper['a'])
    hook.after_train_iter(runner, batch_idx=0)
    assert torch.equal(model.target[0].weight, before)
    _accumulating_step(model, wrapper['a'])
    hook.after_train_iter(runner, batch_idx=1)
    assert not torch.equal(model.target[0].weight, before)


@pytest.mark.parametrize('it, expected', [(0, 0.99), (50, 0.995), (100, 1.0), (25, None)])
def test_cosine_schedule_from_runner_iter(it, expected):
    model = _Pair(momentum=0.99, momentum_end=1.0)
    runner = _runner(model, it=it, max_iters=100)
    before = model.target[0].weight.clone()
    MomentumUpdateHook().after_train_iter(runner, batch_idx=0)
    if expected is None:
        expected = 1.0 - 0.01 * (math.cos(math.pi * 0.25) + 1) / 2
    assert runner.message_hub.get_scalar('train/momentum').current() == pytest.approx(expected)
    assert torch.allclose(model.target[0].weight,
                          expected * before + (1 - expected) * model.online[0].weight)
    assert model.momentum == 0.99  # the base value is never overwritten
    fresh = _Pair(momentum=0.99, momentum_end=1.0)  # a resumed run: no state but runner.iter
    assert fresh.momentum_at(it, 100) == pytest.approx(expected)


def test_before_train_needs_pairs():
    MomentumUpdateHook().before_train(_runner(_Pair(momentum=0.95, momentum_end=1.0), it=0))
    with pytest.raises(ConfigError, match='momentum_pairs'):
        MomentumUpdateHook().before_train(SimpleNamespace(model=nn.Linear(1, 1), iter=0,
                                                          max_iters=10))


def test_a_model_without_pairs_is_an_error():
    class _NoPairs(MomentumEncodersMixin, nn.Module):
        pass

    with pytest.raises(ValueError, match='no momentum pairs'):
        MomentumUpdateHook().before_train(_runner(_NoPairs(), wrapper=object()))


def test_momentum_out_of_range_is_an_error():
    with pytest.raises(ValueError, match='momentum_end must be in'):
        _Pair(momentum=0.99, momentum_end=1.5)
