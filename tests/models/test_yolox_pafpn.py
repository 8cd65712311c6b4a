"""YOLOXPAFPN: three levels in, three fused levels of the same shapes out."""
import pytest
import torch
from torch import nn

from easycv_like.models.backbones import CSPDarknet
from easycv_like.models.backbones.csp_layers import DepthwiseSeparableConv
from easycv_like.registry import MODELS


def test_fused_maps_keep_the_backbone_shapes():
    backbone = CSPDarknet(0.33, 0.125).eval()
    neck = MODELS.build(dict(type='YOLOXPAFPN', deepen_factor=0.33, widen_factor=0.125)).eval()
    feats = backbone(torch.zeros(1, 3, 64, 64))
    outs = neck(feats)
    assert [o.shape for o in outs] == [f.shape for f in feats]
    assert neck.out_channels == [32, 64, 128]


def test_in_channels_are_before_the_width_factor():
    neck = MODELS.build(dict(type='YOLOXPAFPN', widen_factor=0.5, in_channels=(64, 128, 256),
                             deepen_factor=0.67))
    assert neck.out_channels == [32, 64, 128]
    assert neck.lateral_conv0.conv.in_channels == 128
    assert len(neck.C3_p4.m) == 2 and not neck.C3_p4.m[0].use_add
    feats = [torch.zeros(2, c, s, s) for c, s in ((32, 8), (64, 4), (128, 2))]
    assert [tuple(o.shape[1:]) for o in neck(feats)] == [(32, 8, 8), (64, 4, 4), (128, 2, 2)]


def test_the_top_down_path_reaches_the_finest_level():
    """A change in the coarsest input changes the stride-8 output (top-down fusion works)."""
    neck = MODELS.build(dict(type='YOLOXPAFPN', deepen_factor=0.33, widen_factor=0.125)).eval()
    feats = [torch.zeros(1, c, s, s) for c, s in ((32, 8), (64, 4), (128, 2))]
    base = neck(feats)[0]
    feats[2] = torch.randn(1, 128, 2, 2)
    assert not torch.allclose(neck(feats)[0], base)


def test_depthwise_option_and_errors():
    neck = MODELS.build(dict(type='YOLOXPAFPN', widen_factor=0.25, depthwise=True))
    assert isinstance(neck.bu_conv2, DepthwiseSeparableConv)
    assert isinstance(neck.lateral_conv0.conv, nn.Conv2d)  # 1 x 1 convs stay plain
    with pytest.raises(ValueError, match='takes three levels'):
        MODELS.build(dict(type='YOLOXPAFPN', in_channels=(256, 512)))
    with pytest.raises(ValueError, match='takes three feature maps, got 2'):
        neck([torch.zeros(1, 64, 8, 8), torch.zeros(1, 128, 4, 4)])


def test_backbone_channels_are_projected_to_the_level_widths():
    """A ResNet-18's maps (128, 256, 512 channels) enter a neck of widths 32, 64, 128 through
    one 1 x 1 conv-BN-act each; without backbone_channels the Megvii names are unchanged."""
    backbone = MODELS.build(dict(type='ResNet', depth=18, out_indices=(1, 2, 3))).eval()
    neck = MODELS.build(dict(type='YOLOXPAFPN', deepen_factor=0.33, widen_factor=0.125,
                             backbone_channels=backbone.out_channels)).eval()
    assert neck.input_channels == [128, 256, 512] and neck.out_channels == [32, 64, 128]
    assert [c.conv.kernel_size + (c.conv.in_channels, c.conv.out_channels)
            for c in neck.input_convs] == [(1, 1, 128, 32), (1, 1, 256, 64), (1, 1, 512, 128)]
    outs = neck(backbone(torch.zeros(1, 3, 64, 64)))
    assert [tuple(o.shape[1:]) for o in outs] == [(32, 8, 8), (64, 4, 4), (128, 2, 2)]
    plain = MODELS.build(dict(type='YOLOXPAFPN', deepen_factor=0.33, widen_factor=0.125))
    assert plain.input_channels == [32, 64, 128]
    assert not any(k.startswith('input_convs') for k in plain.state_dict())
    with pytest.raises(ValueError, match='takes three levels, got backbone_channels'):
        MODELS.build(dict(type='YOLOXPAFPN', backbone_channels=(512, 1024)))
