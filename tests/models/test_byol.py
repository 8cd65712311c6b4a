"""BYOL: the loss against a hand computation, the predictor head, and the target network that
only the momentum hook moves."""
import math
from types import SimpleNamespace

import pytest
import torch
from mmengine.logging import MessageHub

from easycv_like.engine.hooks import MomentumUpdateHook
from easycv_like.models.heads import LatentPredictHead
from easycv_like.models.losses import byol_loss
from easycv_like.registry import MODELS

RESNET = dict(type='ResNet', depth=18, stem='small')
NECK = dict(type='MLPNeck', in_channels=512, hid_channels=32, out_channels=16, with_bias=True)
PREDICTOR = dict(type='MLPNeck', in_channels=16, hid_channels=32, out_channels=16,
                 with_bias=True, with_avg_pool=False)


def _byol(**kwargs):
    return MODELS.build(dict(type='BYOL', backbone=RESNET, neck=NECK,
                             head=dict(type='LatentPredictHead', predictor=PREDICTOR), **kwargs))


def _views(n=4, size=16, seed=0):
    g = torch.Generator().manual_seed(seed)
    views = [torch.randint(0, 256, (n, 3, size, size), dtype=torch.uint8, generator=g)
             for _ in range(2)]
    return {'inputs': views, 'data_samples': {'gt_label': torch.full((n,), -1)}}


def test_byol_loss_matches_hand_computation():
    p = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
    z = torch.tensor([[1.0, 1.0], [0.0, -5.0]])  # cos = 1/sqrt(2) and -1
    expected = ((2 - 2 / math.sqrt(2)) + (2 + 2)) / 2
    assert byol_loss(p, z).item() == pytest.approx(expected, rel=1e-6)
    assert byol_loss(z, z).item() == pytest.approx(0.0, abs=1e-6)


def test_byol_loss_sends_no_gradient_to_the_target():
    p, z = torch.randn(3, 4, requires_grad=True), torch.randn(3, 4, requires_grad=True)
    byol_loss(p, z).backward()
    assert p.grad is not None and z.grad is None


def test_head_predicts_then_regresses():
    head = LatentPredictHead(PREDICTOR)
    online, target = torch.randn(4, 16), torch.randn(4, 16)
    loss = head(online, target)['loss']
    assert loss.item() == pytest.approx(byol_loss(head.predictor((online,))[0], target).item())


def test_target_is_a_frozen_copy_and_gets_no_gradient():
    torch.manual_seed(0)
    model = _byol().train()
    assert model.momentum == 0.99
    for online, target in model.momentum_pairs():
        for (name, p), q in zip(online.state_dict().items(), target.state_dict().values()):
            assert torch.equal(p, q), name
    losses = model(**model.data_preprocessor(_views(), training=True), mode='loss')
    assert set(losses) == {'loss'} and torch.isfinite(losses['loss'])
    assert 0 < losses['loss'] < 8  # two terms in [0, 4]
    losses['loss'].backward()
    for name, p in model.named_parameters():
        if name.startswith('momentum_'):
            assert not p.requires_grad and p.grad is None, name
        else:
            assert p.grad is not None and torch.isfinite(p.grad).all(), name
    assert any(n.startswith('head.predictor') for n, _ in model.named_parameters())


def test_loss_is_symmetric_over_views_with_one_pass_per_view():
    model = _byol().train()
    seen = {'online': [], 'target': []}
    model.backbone.register_forward_hook(
        lambda m, args, out: seen['online'].append(args[0].shape[0]))
    model.momentum_backbone.register_forward_hook(
        lambda m, args, out: seen['target'].append(args[0].shape[0]))
    data = model.data_preprocessor(_views(), training=True)
    model.eval()  # deterministic BN for the comparison below
    with torch.no_grad():
        loss = model(**data, mode='loss')['loss']
        swapped = model(inputs=data['inputs'][::-1], mode='loss')['loss']
    assert loss.item() == pytest.approx(swapped.item(), rel=1e-5)
    assert seen == {'online': [4, 4, 4, 4], 'target': [4, 4, 4, 4]}


def test_target_changes_only_through_the_momentum_hook():
    torch.manual_seed(0)
    model = _byol(momentum=0.9, momentum_end=1.0).train()
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.1)
    before = {k: v.clone() for k, v in model.momentum_backbone.named_parameters()}
    model(**model.data_preprocessor(_views(), training=True), mode='loss')['loss'].backward()
    opt.step()
    after_step = dict(model.momentum_backbone.named_parameters())
    assert all(torch.equal(before[k], after_step[k]) for k in before)
    online = dict(model.backbone.named_parameters())
    target_before = {k: v.clone() for k, v in model.momentum_backbone.named_parameters()}
    runner = SimpleNamespace(model=model, iter=0, max_iters=10,
                             optim_wrapper=SimpleNamespace(should_update=lambda: True),
                             message_hub=MessageHub.get_instance('test_byol_momentum'))
    hook = MomentumUpdateHook()
    hook.after_train_iter(runner, batch_idx=0)
    for name, p in model.momentum_backbone.named_parameters():
        expected = 0.9 * target_before[name] + 0.1 * online[name].detach()
        assert torch.allclose(p, expected, atol=1e-6), name
    assert runner.message_hub.get_scalar('train/momentum').current() == pytest.approx(0.9)
    assert model.momentum_at(5, 10) == pytest.approx(0.95)  # cosine from the base to 1


def test_init_weights_restarts_the_target_from_the_online_network():
    model = _byol()
    with torch.no_grad():
        model.momentum_neck.mlp[0].weight.add_(1.0)
    model.init_weights()
    assert torch.equal(model.momentum_neck.mlp[0].weight, model.neck.mlp[0].weight)
