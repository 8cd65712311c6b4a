"""WeightDecayScheduleHook: cosine weight decay on the groups that have weight decay."""
import math
from types import SimpleNamespace

import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper

from easycv_like.registry import HOOKS


def _runner(it, max_iters=100, wd=0.04):
    params = [torch.nn.Parameter(torch.zeros(2)) for _ in range(3)]
    optimizer = torch.optim.AdamW([{'params': [params[0]]},
                                   {'params': [params[1]], 'weight_decay': 0.0},
                                   {'params': [params[2]], 'weight_decay': wd / 2}],
                                  lr=0.1, weight_decay=wd)
    return SimpleNamespace(optim_wrapper=OptimWrapper(optimizer), iter=it, max_iters=max_iters,
                           message_hub=MessageHub.get_instance('test_wd_schedule'))


@pytest.mark.parametrize('it', [0, 25, 50, 99])
def test_cosine_values_per_group(it):
    hook = HOOKS.build(dict(type='WeightDecayScheduleHook', end_wd=0.4))
    runner = _runner(it)
    hook.before_train_iter(runner, batch_idx=0)
    expected = 0.4 + (0.04 - 0.4) * (1 + math.cos(math.pi * it / 100)) / 2
    groups = runner.optim_wrapper.optimizer.param_groups
    assert groups[0]['weight_decay'] == pytest.approx(expected)
    assert groups[1]['weight_decay'] == 0.0  # no decay stays no decay
    assert groups[2]['weight_decay'] == pytest.approx(expected / 2)  # keeps its ratio
    assert runner.message_hub.get_scalar('train/weight_decay').current() == pytest.approx(
        expected)


def test_known_points_and_repeated_calls():
    hook = HOOKS.build(dict(type='WeightDecayScheduleHook', end_wd=0.4))
    runner = _runner(0)
    hook.before_train_iter(runner, batch_idx=0)
    assert runner.optim_wrapper.optimizer.param_groups[0]['weight_decay'] == pytest.approx(0.04)
    runner.iter = 50  # the cosine midpoint, after a first call changed the groups
    hook.before_train_iter(runner, batch_idx=0)
    groups = runner.optim_wrapper.optimizer.param_groups
    assert groups[0]['weight_decay'] == pytest.approx(0.22)
    assert groups[2]['weight_decay'] == pytest.approx(0.11)
    assert groups[0]['initial_weight_decay'] == pytest.approx(0.04)


def test_needs_weight_decay():
    with pytest.raises(ValueError, match='weight_decay > 0'):
        HOOKS.build(dict(type='WeightDecayScheduleHook')).before_train_iter(
            _runner(0, wd=0.0), batch_idx=0)
