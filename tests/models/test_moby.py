"""MoBY: asymmetric queues, the loss against a hand computation, gradients, momentum target."""
from types import SimpleNamespace

import pytest
import torch
import torch.nn.functional as F
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper

from easycv_like.engine.hooks.momentum_update_hook import MomentumUpdateHook
from easycv_like.models.losses.info_nce import info_nce
from easycv_like.registry import MODELS

VIT = dict(type='VisionTransformer', img_size=16, patch_size=4, embed_dim=32, depth=2,
           num_heads=2, drop_path_rate=0.1)


def _mlp(in_channels):
    return dict(type='MLPNeck', in_channels=in_channels, hid_channels=48, out_channels=16,
                with_bias=True, with_avg_pool=False)


def _moby(**kwargs):
    cfg = dict(type='MoBY', backbone=VIT, neck=_mlp(32),
               head=dict(type='MoBYHead', predictor=_mlp(16)), queue_len=12,
               feat_dim=16)
    cfg.update(kwargs)
    return MODELS.build(cfg)


def _batch(n=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    views = [torch.randint(0, 256, (n, 3, 16, 16), dtype=torch.uint8, generator=g)
             for _ in range(2)]
    return {'inputs': views, 'data_samples': {'gt_label': torch.full((n,), -1)}}


def test_builds_with_defaults_of_the_paper():
    model = _moby(queue_len=4096)
    assert model.momentum == 0.99 and model.head.temperature == 0.2
    assert model.queue1.features.shape == model.queue2.features.shape == (4096, 16)
    assert torch.allclose(model.queue1.features.norm(dim=1), torch.ones(4096))
    assert model.momentum_backbone.blocks[1].drop_path.drop_prob == 0.0
    assert model.backbone.blocks[1].drop_path.drop_prob == pytest.approx(0.1)


def test_loss_is_the_sum_of_two_cross_view_terms_and_queues_are_per_view():
    torch.manual_seed(0)
    model = _moby().eval()  # eval: deterministic (no drop path, BN running stats)
    data = model.data_preprocessor(_batch(), training=False)
    x1, x2 = data['inputs']
    queue1, queue2 = model.queue1.features.clone(), model.queue2.features.clone()
    with torch.no_grad():
        p1 = F.normalize(model.head.predictor(model.neck(model.backbone(x1)))[0], dim=1)
        p2 = F.normalize(model.head.predictor(model.neck(model.backbone(x2)))[0], dim=1)
        k1 = F.normalize(model.momentum_neck(model.momentum_backbone(x1))[0], dim=1)
        k2 = F.normalize(model.momentum_neck(model.momentum_backbone(x2))[0], dim=1)
        loss = model(**data, mode='loss')['loss']
    expected = (info_nce((p1 * k2).sum(1, keepdim=True), p1 @ queue2.t(), 0.2)
                + info_nce((p2 * k1).sum(1, keepdim=True), p2 @ queue1.t(), 0.2))
    assert loss.item() == pytest.approx(expected.item(), rel=1e-5)
    # each view's keys went into its own queue, at the pointer
    assert torch.allclose(model.queue1.features[:4], k1, atol=1e-6)
    assert torch.allclose(model.queue2.features[:4], k2, atol=1e-6)
    assert torch.equal(model.queue1.features[4:], queue1[4:]) and int(model.queue1.ptr) == 4


def test_queue_pointer_wraps_around():
    model = _moby(queue_len=6).eval()
    data = model.data_preprocessor(_batch(n=4), training=False)
    with torch.no_grad():
        model(**data, mode='loss')
        model(**data, mode='loss')
    assert int(model.queue1.ptr) == int(model.queue2.ptr) == 2  # 8 keys into 6 slots


def test_gradients_only_in_online_modules_and_target_moves_only_by_the_hook():
    torch.manual_seed(0)
    model = _moby().train()
    data = model.data_preprocessor(_batch(), training=True)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss'} and torch.isfinite(losses['loss'])
    losses['loss'].backward()
    for name, p in model.named_parameters():
        assert (p.grad is None) == name.startswith('momentum_'), name
    model.zero_grad()

    online = {k: v.clone() for k, v in model.backbone.state_dict().items()}
    target = {k: v.clone() for k, v in model.momentum_backbone.state_dict().items()}
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.5))
    model.train_step(_batch(seed=1), wrapper)
    assert all(torch.equal(v, model.momentum_backbone.state_dict()[k]) for k, v in target.items())
    runner = SimpleNamespace(model=model, optim_wrapper=wrapper, iter=0, max_iters=10,
                             message_hub=MessageHub.get_instance('test_moby'))
    MomentumUpdateHook().after_train_iter(runner, batch_idx=0)
    new_online = model.backbone.state_dict()
    for key, old in target.items():
        if old.is_floating_point() and not torch.equal(online[key], new_online[key]):
            expected = 0.99 * old + 0.01 * new_online[key]
            assert torch.allclose(model.momentum_backbone.state_dict()[key], expected), key


def test_needs_two_views():
    with pytest.raises(ValueError, match='2 views'):
        _moby()([torch.randn(2, 3, 16, 16)] * 3, mode='loss')
