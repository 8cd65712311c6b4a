"""MobileNetV2 backbone: torchvision state dicts load with nothing left over, same features, same
parameter counts, layer channels / strides."""
import pytest
import torch
import torchvision

from easycv_like.models.backbones import MobileNetV2

from .randomised_bn import randomise_batch_norms


@pytest.mark.parametrize('widen', [1.0, 0.75])
def test_torchvision_features_load_and_match(widen):
    torch.manual_seed(1)
    reference = randomise_batch_norms(torchvision.models.mobilenet_v2(weights=None,
                                                                      width_mult=widen)).eval()
    torch.manual_seed(2)
    ours = MobileNetV2(widen_factor=widen).eval()
    features = {k: v for k, v in reference.state_dict().items() if k.startswith('features.')}
    result = ours.load_state_dict(features, strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    assert set(ours.state_dict()) == set(features)
    assert sum(p.numel() for p in ours.parameters()) == sum(
        p.numel() for p in reference.features.parameters())
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        (out,) = ours(x)
        expected = reference.features(x)
    torch.testing.assert_close(out, expected, atol=1e-5, rtol=0)
    assert out.abs().mean() > 0.01


def test_published_parameter_count():
    # torchvision's model card: 3,504,872 parameters with the 1000-class classifier
    count = sum(p.numel() for p in MobileNetV2().parameters())
    assert count + 1280 * 1000 + 1000 == 3_504_872


def test_channels_and_strides():
    model = MobileNetV2(widen_factor=0.75, out_indices=(3, 6, 13, 18)).eval()
    assert [model.stride_of(i) for i in (0, 3, 6, 13, 18)] == [2, 4, 8, 16, 32]
    feats = model(torch.randn(1, 3, 64, 64))
    assert [f.shape[1] for f in feats] == model.out_channels == [24, 24, 72, 1280]
    assert [f.shape[-1] for f in feats] == [16, 8, 4, 2]


def test_bad_widen_factor():
    with pytest.raises(ValueError, match='MobileNetV2 widen_factor must be a positive number'):
        MobileNetV2(widen_factor=-1.0)
