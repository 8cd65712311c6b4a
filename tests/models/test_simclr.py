"""SimCLR: NT-Xent against a hand computation, the head, and one step of the algorithm."""
import math

import pytest
import torch

from easycv_like.models.heads import NTXentHead
from easycv_like.models.losses import nt_xent
from easycv_like.registry import MODELS

RESNET = dict(type='ResNet', depth=18, stem='small')
NECK = dict(type='MLPNeck', in_channels=512, hid_channels=32, out_channels=16)


def _simclr():
    return MODELS.build(dict(type='SimCLR', backbone=RESNET, neck=NECK,
                             head=dict(type='NTXentHead', temperature=0.1)))


def _views(n=4, size=16, seed=0):
    g = torch.Generator().manual_seed(seed)
    views = [torch.randint(0, 256, (n, 3, size, size), dtype=torch.uint8, generator=g)
             for _ in range(2)]
    return {'inputs': views, 'data_samples': {'gt_label': torch.full((n,), -1)}}


def test_nt_xent_matches_hand_computation():
    # two images, unit vectors at angles (deg): view 1 = 0, 90; view 2 = 30, 180
    angles = [0.0, 90.0, 30.0, 180.0]
    z = torch.tensor([[math.cos(math.radians(a)), math.sin(math.radians(a))] for a in angles])
    t = 0.5
    total = 0.0
    for i in range(4):
        pos = (i + 2) % 4
        sims = {k: math.cos(math.radians(angles[i] - angles[k])) for k in range(4) if k != i}
        total += -math.log(math.exp(sims[pos] / t) / sum(math.exp(s / t) for s in sims.values()))
    expected = total / 4
    # the scale of the inputs must not matter (NT-Xent normalises)
    assert nt_xent(3 * z[:2], 0.5 * z[2:], temperature=t).item() == pytest.approx(expected,
                                                                                 rel=1e-5)


def test_nt_xent_is_low_for_matching_views_and_symmetric():
    torch.manual_seed(0)
    z = torch.randn(8, 32)
    assert nt_xent(z, z + 0.01 * torch.randn(8, 32), 0.1) < 0.05
    a, b = torch.randn(8, 32), torch.randn(8, 32)
    assert nt_xent(a, b).item() == pytest.approx(nt_xent(b, a).item(), rel=1e-5)
    # T -> inf: chance among the 2N - 1 = 15 candidates
    assert nt_xent(a, b, 1e3).item() == pytest.approx(math.log(15), rel=1e-3)


def test_nt_xent_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match='two N x D'):
        nt_xent(torch.randn(4, 8), torch.randn(3, 8))


def test_nt_xent_refuses_a_batch_of_one_image():
    """Batch 1 has no negatives: the loss was exactly 0 and SimCLR silently learnt nothing."""
    with pytest.raises(ValueError, match='at least 2 images .* data.imgs_per_gpu'):
        nt_xent(torch.randn(1, 8), torch.randn(1, 8))
    assert nt_xent(torch.randn(2, 8), torch.randn(2, 8)) > 0


def test_head_wraps_the_loss():
    z1, z2 = torch.randn(4, 8), torch.randn(4, 8)
    out = NTXentHead(temperature=0.2)(z1, z2)
    assert set(out) == {'loss'} and out['loss'].item() == pytest.approx(
        nt_xent(z1, z2, 0.2).item())


def test_step_through_the_preprocessor_gives_finite_loss_and_all_gradients():
    torch.manual_seed(0)
    model = _simclr().train()
    data = model.data_preprocessor(_views(), training=True)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss'} and torch.isfinite(losses['loss'])
    assert losses['loss'] > 0
    losses['loss'].backward()
    for name, p in model.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name
    assert not model.momentum_pairs()


def test_both_views_share_one_encoder_pass_and_predict_gives_features():
    model = _simclr().train()
    seen = []
    model.backbone.register_forward_hook(lambda m, args, out: seen.append(args[0].shape[0]))
    model(**model.data_preprocessor(_views(n=3), training=True), mode='loss')
    assert seen == [6]
    with pytest.raises(ValueError, match='exactly 2 views'):
        model([torch.randn(2, 3, 16, 16)] * 3, mode='loss')
    preds = model.eval()(**model.data_preprocessor(_views(n=3)), mode='predict')
    assert len(preds) == 3 and preds[0]['feature'].shape == (512,)
