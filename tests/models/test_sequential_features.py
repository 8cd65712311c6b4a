"""The shared MobileNet backbone behaviour: out_indices, frozen stages, norm_eval, pool."""
import pytest
import torch
from torch import nn

from easycv_like.models.backbones import MobileNetV2, MobileNetV3


def test_out_indices_order_negative_and_default():
    model = MobileNetV3('small', out_indices=(8, 1, -1)).eval()
    assert model.out_indices == (8, 1, 12)
    feats = model(torch.randn(1, 3, 32, 32))
    assert [f.shape[1] for f in feats] == model.out_channels == [48, 16, 576]
    (last,) = MobileNetV3('small').eval()(torch.randn(1, 3, 32, 32))
    assert last.shape == (1, 576, 1, 1)


def test_pool_averages_the_last_output():
    model = MobileNetV2(out_indices=(2, 18)).eval()
    feats = model(torch.randn(2, 3, 64, 64))
    torch.testing.assert_close(model.pool(feats), feats[-1].mean(dim=(2, 3)))
    assert model.pool(feats).shape == (2, 1280)


@pytest.mark.parametrize('build', [lambda: MobileNetV3('small', frozen_stages=3),
                                   lambda: MobileNetV2(frozen_stages=3)])
def test_frozen_stages_stay_frozen_after_train(build):
    model = build()
    model.train()
    for i, layer in enumerate(model.features):
        frozen = i <= 3
        assert all(p.requires_grad != frozen for p in layer.parameters())
        norms = [m for m in layer.modules() if isinstance(m, nn.BatchNorm2d)]
        assert norms and all(m.training != frozen for m in norms)
    stem_norm = model.features[0][1]
    mean_before = stem_norm.running_mean.clone()
    model(torch.randn(2, 3, 32, 32))
    assert torch.equal(stem_norm.running_mean, mean_before)


def test_norm_eval_keeps_every_bn_in_eval_but_trains_weights():
    model = MobileNetV3('small', norm_eval=True).train()
    norms = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    assert norms and not any(m.training for m in norms)
    assert all(p.requires_grad for p in model.parameters())
    assert model.training


@pytest.mark.parametrize('kwargs, message', [
    (dict(out_indices=(13,)), r'out_indices must be a non-empty list of indices into its 13 '
                              r'feature layers \(0..12\), got \(13,\)'),
    (dict(out_indices=()), 'out_indices must be a non-empty list'),
    (dict(frozen_stages=13), 'frozen_stages must be in -1..12, got 13'),
    (dict(frozen_stages=-2), 'frozen_stages must be in -1..12, got -2'),
])
def test_bad_indices_name_the_range(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MobileNetV3('small', **kwargs)


@pytest.mark.parametrize('build, eps, momentum', [
    (lambda cfg: MobileNetV3('small', norm_cfg=cfg), 0.001, 0.01),
    (lambda cfg: MobileNetV2(norm_cfg=cfg), 1e-5, 0.1)])
def test_norm_cfg_default_is_torchvision_and_can_be_changed(build, eps, momentum):
    default = [m for m in build(None).modules() if isinstance(m, nn.BatchNorm2d)]
    assert default and all((m.eps, m.momentum) == (eps, momentum) for m in default)
    custom = [m for m in build(dict(type='BN', eps=0.01, momentum=0.3)).modules()
              if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    assert len(custom) == len(default)
    assert all((m.eps, m.momentum) == (0.01, 0.3) for m in custom)


def test_norm_cfg_builds_other_norm_layers():
    model = MobileNetV3('small', norm_cfg=dict(type='SyncBN', eps=0.001, momentum=0.01))
    assert isinstance(model.features[0][1], nn.SyncBatchNorm)
    assert not any(type(m) is nn.BatchNorm2d for m in model.modules())
