"""SwAVPrototypeFreezeHook: zero prototype gradients for the first iterations, then let them be."""
from types import SimpleNamespace

import pytest
import torch

from easycv_like.engine.hooks import SwAVPrototypeFreezeHook
from easycv_like.errors import ConfigError
from easycv_like.registry import HOOKS, MODELS


def _model():
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='SwAV', backbone=dict(type='ResNet', depth=18, stem='small'),
        neck=dict(type='MLPNeck', in_channels=512, hid_channels=16, out_channels=8,
                  with_bias=True, with_avg_pool=False),
        head=dict(type='SwAVHead', feat_dim=8, num_prototypes=6, num_crops=(2, 1))))


def _step(model, hook, runner, it):
    runner.iter = it
    hook.before_train_iter(runner, batch_idx=it)
    model.zero_grad(set_to_none=True)
    crops = [torch.randn(4, 3, 16, 16), torch.randn(4, 3, 16, 16), torch.randn(4, 3, 8, 8)]
    model(crops, mode='loss')['loss'].backward()


def test_prototype_gradients_are_zero_only_while_frozen():
    model = _model().train()
    hook = HOOKS.build(dict(type='SwAVPrototypeFreezeHook', freeze_iters=2))
    runner = SimpleNamespace(model=model, iter=0, max_iters=3)
    hook.before_train(runner)
    for it in (0, 1):
        _step(model, hook, runner, it)
        assert torch.count_nonzero(model.head.prototypes.weight.grad) == 0
        assert model.neck.mlp[0].weight.grad.abs().sum() > 0  # the rest still learns
    _step(model, hook, runner, 2)
    assert model.head.prototypes.weight.grad.abs().sum() > 0
    hook.after_train(runner)
    assert not hook._handles


def test_sgd_step_keeps_frozen_prototype_directions():
    model = _model().train()
    hook = SwAVPrototypeFreezeHook(freeze_iters=5)
    runner = SimpleNamespace(model=model, iter=0, max_iters=10)
    hook.before_train(runner)
    opt = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9, weight_decay=0.1)
    _step(model, hook, runner, 0)  # the head normalises the prototypes in this forward
    before = model.head.prototypes.weight.detach().clone()
    opt.step()
    after = model.head.prototypes.weight.detach()
    assert torch.allclose(torch.nn.functional.normalize(after, dim=1), before, atol=1e-6)


def test_needs_prototypes():
    runner = SimpleNamespace(model=torch.nn.Linear(2, 2), iter=0, max_iters=1000)
    with pytest.raises(ConfigError, match='prototypes'):
        SwAVPrototypeFreezeHook().before_train(runner)


def test_freezing_the_whole_run_is_an_error():
    """The recipe's one-epoch freeze in a shorter run: the prototypes would never train."""
    runner = SimpleNamespace(model=_model(), iter=0, max_iters=313)
    with pytest.raises(ConfigError, match=r'freeze_iters reaches iteration 313, but the run has '
                       r'only 313 iterations, so the prototypes would never be trained'):
        SwAVPrototypeFreezeHook().before_train(runner)
    assert not SwAVPrototypeFreezeHook()._handles
