"""MobileNetV3 backbone: torchvision state dicts load with nothing left over, same features, same
parameter counts, layer channels / strides, dilation."""
import pytest
import torch
import torchvision

from easycv_like.models.backbones import MobileNetV3
from easycv_like.registry import MODELS

from .randomised_bn import randomise_batch_norms

VARIANTS = [  # arch, widen_factor, dilated, torchvision builder
    ('large', 1.0, False, torchvision.models.mobilenet_v3_large),
    ('small', 1.0, False, torchvision.models.mobilenet_v3_small),
    ('large', 0.75, False, torchvision.models.mobilenet_v3_large),
    ('small', 0.75, False, torchvision.models.mobilenet_v3_small),
    ('large', 1.0, True, torchvision.models.mobilenet_v3_large),
]


def _reference(builder, widen, dilated, seed=1):
    torch.manual_seed(seed)
    model = builder(weights=None, width_mult=widen, dilated=dilated)
    return randomise_batch_norms(model, seed).eval()


@pytest.mark.parametrize('arch, widen, dilated, builder', VARIANTS)
def test_torchvision_features_load_and_match(arch, widen, dilated, builder):
    reference = _reference(builder, widen, dilated)
    torch.manual_seed(2)  # different initial weights: the load must overwrite them all
    ours = MobileNetV3(arch, widen_factor=widen, dilated=dilated).eval()
    features = {k: v for k, v in reference.state_dict().items() if k.startswith('features.')}
    result = ours.load_state_dict(features, strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    assert set(ours.state_dict()) == set(features)
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        (out,) = ours(x)
        expected = reference.features(x)
    torch.testing.assert_close(out, expected, atol=1e-5, rtol=0)
    assert out.abs().mean() > 0.01  # not a trivially small output


@pytest.mark.parametrize('arch, widen, dilated, builder', VARIANTS)
def test_parameter_count_equals_torchvision_features(arch, widen, dilated, builder):
    reference = builder(weights=None, width_mult=widen, dilated=dilated)
    ours = MobileNetV3(arch, widen_factor=widen, dilated=dilated)
    count = sum(p.numel() for p in ours.parameters())
    assert count == sum(p.numel() for p in reference.features.parameters())
    assert ours.classifier_channels == reference.classifier[0].out_features


def test_published_parameter_counts():
    # torchvision's model cards: 5,483,032 (Large) and 2,542,856 (Small) with the classifier
    large, small = MobileNetV3('large'), MobileNetV3('small')
    head_large = 960 * 1280 + 1280 + 1280 * 1000 + 1000
    head_small = 576 * 1024 + 1024 + 1024 * 1000 + 1000
    assert sum(p.numel() for p in large.parameters()) + head_large == 5_483_032
    assert sum(p.numel() for p in small.parameters()) + head_small == 2_542_856


@pytest.mark.parametrize('arch, dilated, strides', [
    ('large', False, [2, 2, 4, 4, 8, 8, 8, 16, 16, 16, 16, 16, 16, 32, 32, 32, 32]),
    ('large', True, [2, 2, 4, 4, 8, 8, 8] + [16] * 10),
    ('small', False, [2, 4, 8, 8, 16, 16, 16, 16, 16, 32, 32, 32, 32]),
])
def test_channels_and_strides_of_every_layer(arch, dilated, strides):
    model = MobileNetV3(arch, dilated=dilated, out_indices=range(len(strides))).eval()
    assert [model.stride_of(i) for i in range(len(strides))] == strides
    with torch.no_grad():
        feats = model(torch.randn(1, 3, 64, 64))
    assert len(feats) == len(strides)
    for i, feat in enumerate(feats):
        assert feat.shape == (1, model.channels_of(i), 64 // strides[i], 64 // strides[i])
    assert model.out_channels == [f.shape[1] for f in feats]
    assert model.out_channels[-1] == (960 if arch == 'large' else 576)


def test_dilated_last_stage_uses_dilation_two():
    model = MobileNetV3('large', dilated=True)
    depthwise = model.features[14].block[1][0]
    assert depthwise.dilation == (2, 2) and depthwise.stride == (1, 1)
    assert model.features[7].block[1][0].stride == (2, 2)  # stride 16 stays strided


def test_segmentation_indices_and_registry():
    # torchvision's LR-ASPP / DeepLabV3 read layers 4 (stride 8) and 16 (stride 16)
    model = MODELS.build(dict(type='MobileNetV3', arch='large', dilated=True,
                              out_indices=(4, 16)))
    assert model.out_channels == [40, 960]
    low, high = model(torch.randn(1, 3, 64, 64))
    assert low.shape == (1, 40, 8, 8) and high.shape == (1, 960, 4, 4)


@pytest.mark.parametrize('kwargs, message', [
    (dict(arch='medium'), "arch must be one of \\['large', 'small'\\], got 'medium'"),
    (dict(widen_factor=0), 'widen_factor must be a positive number, got 0'),
    (dict(widen_factor='1'), "widen_factor must be a positive number, got '1'"),
])
def test_bad_arguments_name_the_problem(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MobileNetV3(**kwargs)


def test_pretrained_init_cfg_reads_a_torchvision_classifier_file(tmp_path):
    torch.manual_seed(3)
    reference = torchvision.models.mobilenet_v3_small(weights=None)
    path = tmp_path / 'mobilenet_v3_small.pth'
    torch.save(reference.state_dict(), path)
    model = MODELS.build(dict(type='MobileNetV3', arch='small',
                              init_cfg=dict(type='Pretrained', checkpoint=str(path))))
    model.init_weights()
    for key, value in model.state_dict().items():
        assert torch.equal(value, reference.state_dict()[key]), key
