"""DINO: the loss against a hand computation, the projection neck, the loss head and its
centring, and a multi-crop step."""
from types import SimpleNamespace

import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper

from easycv_like.engine.hooks.momentum_update_hook import MomentumUpdateHook
from easycv_like.models.heads import DINOHead
from easycv_like.models.necks import DINONeck
from easycv_like.models.losses import dino_loss
from easycv_like.registry import MODELS

VIT = dict(type='VisionTransformer', img_size=16, patch_size=4, embed_dim=32, depth=2,
           num_heads=2, drop_path_rate=0.1)
NECK = dict(type='DINONeck', in_channels=32, out_channels=64, hid_channels=48,
            bottleneck_channels=16)
HEAD = dict(type='DINOHead', out_channels=64)


def _dino(head=None, **kwargs):
    return MODELS.build(dict(type='DINO', backbone=VIT, neck=NECK, head=dict(HEAD, **(head or {})),
                             **kwargs))


def _views(n=4, num_local=2, seed=0):
    g = torch.Generator().manual_seed(seed)
    big = [torch.randint(0, 256, (n, 3, 16, 16), dtype=torch.uint8, generator=g)
           for _ in range(2)]
    small = [torch.randint(0, 256, (n, 3, 8, 8), dtype=torch.uint8, generator=g)
             for _ in range(num_local)]
    return {'inputs': big + small, 'data_samples': {'gt_label': torch.full((n,), -1)}}


def test_dino_loss_matches_hand_computation():
    torch.manual_seed(0)
    student = [torch.randn(3, 5) for _ in range(3)]
    teacher = [0.1 * torch.randn(3, 5) for _ in range(2)]
    center = 0.1 * torch.randn(1, 5)
    terms = []
    for i, t in enumerate(teacher):
        p = torch.exp((t - center) / 0.04) / torch.exp((t - center) / 0.04).sum(1, keepdim=True)
        for j, s in enumerate(student):
            if i != j:
                log_q = s / 0.1 - torch.logsumexp(s / 0.1, dim=1, keepdim=True)
                terms.append(-(p * log_q).sum(1).mean())
    expected = sum(terms) / len(terms)  # 4 pairs: (0,1) (0,2) (1,0) (1,2)
    assert len(terms) == 4
    assert dino_loss(student, teacher, center, 0.1, 0.04).item() == pytest.approx(
        expected.item(), rel=1e-5)


def test_dino_loss_gives_no_gradient_to_the_teacher():
    student = [torch.randn(2, 4, requires_grad=True) for _ in range(2)]
    teacher = [torch.randn(2, 4, requires_grad=True) for _ in range(2)]
    dino_loss(student, teacher, torch.zeros(1, 4)).backward()
    assert teacher[0].grad is None and student[0].grad is not None


def test_dino_neck_shapes_and_fixed_gain():
    head = DINONeck(in_channels=8, out_channels=10, hid_channels=12, bottleneck_channels=6)
    assert head((torch.randn(3, 8),))[0].shape == (3, 10)
    assert sum(isinstance(m, torch.nn.Linear) for m in head.mlp) == 3
    gain = head.last_layer.parametrizations.weight.original0
    assert not gain.requires_grad and torch.equal(gain, torch.ones(10, 1))
    # the effective last-layer weight has unit-norm rows
    assert torch.allclose(head.last_layer.weight.norm(dim=1), torch.ones(10), atol=1e-5)
    free = DINONeck(in_channels=8, out_channels=10, norm_last_layer=False, with_bn=True)
    assert free.last_layer.parametrizations.weight.original0.requires_grad
    assert any(isinstance(m, torch.nn.BatchNorm1d) for m in free.mlp)


def test_teacher_is_a_frozen_copy_without_drop_path():
    model = _dino()
    for online, target in model.momentum_pairs():
        for (name, p), q in zip(online.state_dict().items(), target.state_dict().values()):
            assert torch.equal(p, q), name
        assert not any(p.requires_grad for p in target.parameters())
    assert model.backbone.blocks[1].drop_path.drop_prob == pytest.approx(0.1)
    assert model.momentum_backbone.blocks[1].drop_path.drop_prob == 0.0
    assert isinstance(model.head, DINOHead)
    assert model.head.center.shape == (1, 64) and model.momentum == 0.996


def test_multi_crop_step_gradients_only_in_the_student():
    torch.manual_seed(0)
    model = _dino().train()
    data = model.data_preprocessor(_views(), training=True)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss'} and torch.isfinite(losses['loss']) and losses['loss'] > 0
    losses['loss'].backward()
    for name, p in model.named_parameters():
        if name.startswith('teacher_'):
            assert p.grad is None, name
        elif p.requires_grad and name != 'backbone.pos_embed':
            assert p.grad is not None, name
    assert model.backbone.pos_embed.grad.abs().sum() > 0


def test_student_sees_all_crops_and_teacher_only_global_ones():
    model = _dino().train()
    seen = {'student': [], 'teacher': []}
    model.backbone.register_forward_hook(
        lambda m, args, out: seen['student'].append(tuple(args[0].shape)))
    model.momentum_backbone.register_forward_hook(
        lambda m, args, out: seen['teacher'].append(tuple(args[0].shape)))
    data = model.data_preprocessor(_views(n=2, num_local=3), training=True)
    model(**data, mode='loss')
    assert seen['teacher'] == [(4, 3, 16, 16)]  # both global crops in one pass
    assert seen['student'] == [(4, 3, 16, 16), (6, 3, 8, 8)]  # one pass per resolution


def test_center_update_equals_the_ema_formula():
    model = _dino(head=dict(center_momentum=0.9)).train()
    old = torch.randn(1, 64)
    model.head.center.copy_(old)
    data = model.data_preprocessor(_views(), training=True)
    with torch.no_grad():
        crops = torch.cat(data['inputs'][:2])
        teacher = model.momentum_neck(model.momentum_backbone(crops))[0]  # 8 x 64
        model(**data, mode='loss')
    assert torch.allclose(model.head.center, 0.9 * old + 0.1 * teacher.mean(0, keepdim=True),
                          atol=1e-6)


def test_loss_uses_the_current_teacher_temp_and_center():
    model = _dino(head=dict(student_temp=0.2)).eval()  # eval: no drop path, deterministic
    model.head.teacher_temp = 0.07
    model.head.center.normal_()
    center = model.head.center.clone()
    data = model.data_preprocessor(_views(), training=False)
    views = data['inputs']
    with torch.no_grad():
        loss = model(**data, mode='loss')['loss']
        student = [model.neck(model.backbone(v))[0] for v in views]
        teacher = [model.momentum_neck(model.momentum_backbone(v))[0] for v in views[:2]]
    assert loss.item() == pytest.approx(dino_loss(student, teacher, center, 0.2, 0.07).item(),
                                        rel=1e-4)


def test_teacher_moves_only_by_the_momentum_hook():
    torch.manual_seed(0)
    model = _dino(momentum_end=1.0).train()
    teacher = {k: v.clone() for k, v in model.momentum_neck.state_dict().items()}
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.5))
    model.train_step(_views(), wrapper)
    assert all(torch.equal(v, model.momentum_neck.state_dict()[k]) for k, v in teacher.items())
    runner = SimpleNamespace(model=model, optim_wrapper=wrapper, iter=5, max_iters=10,
                             message_hub=MessageHub.get_instance('test_dino'))
    MomentumUpdateHook().after_train_iter(runner, batch_idx=5)
    m = 1.0 - (1.0 - 0.996) * 0.5  # cosine schedule at half way
    student = model.neck.state_dict()
    for key, old in teacher.items():
        assert torch.allclose(model.momentum_neck.state_dict()[key],
                              m * old + (1 - m) * student[key], atol=1e-6), key
    assert not torch.equal(model.momentum_neck.state_dict()['mlp.0.weight'],
                           teacher['mlp.0.weight'])


def test_init_weights_restarts_the_teacher_from_the_student():
    model = _dino()
    with torch.no_grad():
        model.momentum_backbone.cls_token.add_(1.0)
    model.init_weights()
    assert torch.equal(model.momentum_backbone.cls_token, model.backbone.cls_token)


def test_needs_two_views():
    model = _dino()
    with pytest.raises(ValueError, match='at least 2 views'):
        model([torch.randn(2, 3, 16, 16)], mode='loss')


def test_features_come_from_the_teacher():
    torch.manual_seed(0)
    model = _dino().eval()
    with torch.no_grad():
        model.momentum_backbone.cls_token.add_(1.0)
    images = torch.randn(2, 3, 16, 16)
    expected = model.momentum_backbone(images)[-1]
    torch.testing.assert_close(model.extract_feat(images)[-1], expected)
    assert not torch.allclose(model.backbone(images)[-1], expected)
