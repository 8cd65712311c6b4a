"""torchvision segmentation models load into Segmentation through load_weights (one key mapping,
no key left over) and give the same outputs in eval mode."""
import pytest
import torch
import torch.nn.functional as F
from torchvision.models import resnet18
from torchvision.models._utils import IntermediateLayerGetter
from torchvision.models.segmentation import (deeplabv3_mobilenet_v3_large, fcn_resnet50,
                                             lraspp_mobilenet_v3_large)
from torchvision.models.segmentation.deeplabv3 import DeepLabHead, DeepLabV3
from torchvision.models.segmentation.fcn import FCNHead
from torchvision.models.segmentation.lraspp import LRASPP

from easycv_like.registry import MODELS
from easycv_like.utils.weight_loading import WeightLoadError, load_weights


def _assert_same_outputs(tv, cfg, size=(64, 48)):
    ours = MODELS.build(cfg).eval()
    report = load_weights(ours, tv.eval().state_dict(), strict=True)
    assert report.complete and not report.unexpected and not report.missing
    x = torch.randn(1, 3, *size)
    with torch.no_grad():
        expected = tv(x)
        logits = F.interpolate(ours(x, mode='tensor'), size=size, mode='bilinear',
                               align_corners=False)
        torch.testing.assert_close(logits, expected['out'], atol=1e-5, rtol=1e-5)
        if 'aux' in expected:
            aux = ours.auxiliary_head(ours.backbone(x))
            aux = F.interpolate(aux, size=size, mode='bilinear', align_corners=False)
            torch.testing.assert_close(aux, expected['aux'], atol=1e-5, rtol=1e-5)


def test_fcn_resnet50_with_dilation_and_auxiliary_head():
    torch.manual_seed(0)
    tv = fcn_resnet50(weights=None, weights_backbone=None, num_classes=3, aux_loss=True)
    _assert_same_outputs(tv, dict(
        type='Segmentation',
        backbone=dict(type='ResNet', depth=50, out_indices=(2, 3),
                      replace_stride_with_dilation=(False, True, True)),
        decode_head=dict(type='FCNHead', in_channels=2048, num_classes=3),
        auxiliary_head=dict(type='FCNHead', in_channels=1024, num_classes=3, in_index=0)))


# torchvision reads the dilated MobileNetV3-Large at features[4] (40 channels, stride 8) and
# features[16] (960 channels, stride 16)
_MNV3 = dict(type='MobileNetV3', arch='large', dilated=True, out_indices=(4, 16))


@pytest.mark.parametrize('aux_loss', [False, True])
def test_deeplabv3_mobilenet_v3_large(aux_loss):
    torch.manual_seed(0)
    tv = deeplabv3_mobilenet_v3_large(weights=None, weights_backbone=None, num_classes=3,
                                      aux_loss=aux_loss)
    aux = dict(type='FCNHead', in_channels=40, num_classes=3, in_index=0) if aux_loss else None
    _assert_same_outputs(tv, dict(
        type='Segmentation', backbone=_MNV3, auxiliary_head=aux,
        decode_head=dict(type='ASPPHead', in_channels=960, num_classes=3, in_index=1)))


def test_lraspp_mobilenet_v3_large():
    torch.manual_seed(0)
    tv = lraspp_mobilenet_v3_large(weights=None, weights_backbone=None, num_classes=3)
    _assert_same_outputs(tv, dict(
        type='Segmentation', backbone=_MNV3,
        decode_head=dict(type='LRASPPHead', in_channels=(40, 960), num_classes=3)))


def test_deeplabv3_and_lraspp_heads_over_a_resnet18():
    torch.manual_seed(0)
    backbone = IntermediateLayerGetter(resnet18(), {'layer3': 'aux', 'layer4': 'out'})
    _assert_same_outputs(DeepLabV3(backbone, DeepLabHead(512, 3), FCNHead(256, 3)), dict(
        type='Segmentation', backbone=dict(type='ResNet', depth=18, out_indices=(2, 3)),
        decode_head=dict(type='ASPPHead', in_channels=512, num_classes=3),
        auxiliary_head=dict(type='FCNHead', in_channels=256, num_classes=3, in_index=0)))
    backbone = IntermediateLayerGetter(resnet18(), {'layer1': 'low', 'layer4': 'high'})
    _assert_same_outputs(LRASPP(backbone, 64, 512, 3), dict(
        type='Segmentation', backbone=dict(type='ResNet', depth=18, out_indices=(0, 3)),
        decode_head=dict(type='LRASPPHead', in_channels=(64, 512), num_classes=3)))


def test_auxiliary_weights_without_an_auxiliary_head_are_an_error():
    backbone = IntermediateLayerGetter(resnet18(), {'layer3': 'aux', 'layer4': 'out'})
    tv = DeepLabV3(backbone, DeepLabHead(512, 3), FCNHead(256, 3))
    ours = MODELS.build(dict(type='Segmentation',
                             backbone=dict(type='ResNet', depth=18, out_indices=(3,)),
                             decode_head=dict(type='ASPPHead', in_channels=512, num_classes=3)))
    with pytest.raises(WeightLoadError, match='model has no auxiliary_head'):
        load_weights(ours, tv.state_dict())
