"""NamedFeatures: our tuple-of-maps backbones feed torchvision's FPN and MultiScaleRoIAlign."""
import pytest
import torch
from torchvision.ops import FeaturePyramidNetwork, MultiScaleRoIAlign

from easycv_like.models.backbones import ResNet
from easycv_like.models.detection import NamedFeatures, name_features


def test_resnet_through_torchvision_fpn_and_roi_align():
    backbone = ResNet(18, out_indices=(1, 2, 3))
    body = NamedFeatures(backbone, names=('c3', 'c4', 'c5'))
    fpn = FeaturePyramidNetwork(backbone.out_channels, out_channels=32)
    images = torch.randn(2, 3, 64, 96)
    with torch.no_grad():
        features = fpn(body(images))
    assert list(features) == ['c3', 'c4', 'c5']
    assert [tuple(f.shape[-2:]) for f in features.values()] == [(8, 12), (4, 6), (2, 3)]
    pool = MultiScaleRoIAlign(['c3', 'c4'], output_size=4, sampling_ratio=2)
    boxes = [torch.tensor([[0., 0., 32., 32.]]), torch.tensor([[10., 5., 90., 60.]])]
    rois = pool(features, boxes, [(64, 96), (64, 96)])
    assert rois.shape == (2, 32, 4, 4)
    assert torch.isfinite(rois).all()


def test_default_names_and_out_channels():
    backbone = ResNet(18, out_indices=(0, 1))
    wrapped = NamedFeatures(backbone)
    assert wrapped.out_channels is None  # 64 and 128: no single width
    out = wrapped(torch.randn(1, 3, 32, 32))
    assert list(out) == ['0', '1']
    assert NamedFeatures(ResNet(18, out_indices=(3,))).out_channels == 512


def test_name_count_mismatch_is_an_error():
    with pytest.raises(ValueError, match='2 feature maps but 1 names'):
        name_features((torch.zeros(1), torch.zeros(1)), ('a',))
