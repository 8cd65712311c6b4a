"""The YOLOX building blocks: Focus phase order, SPP, CSP layers, conv init and BatchNorm."""
import math

import pytest
import torch
from torch import nn

from easycv_like.models.backbones.csp_layers import (Bottleneck, CSPLayer, DepthwiseSeparableConv,
                                                     Focus, SPPBottleneck, activation_cfg,
                                                     conv_bn_act, conv_block)


def test_focus_stacks_the_four_pixel_phases_in_megvii_order():
    focus = Focus(1, 4, kernel_size=1)
    with torch.no_grad():  # identity conv, BN as identity (eval, fresh statistics, eps 0)
        focus.conv.conv.weight.copy_(torch.eye(4).view(4, 4, 1, 1))
        focus.conv.bn.eps = 0.0
    focus.conv.activate = nn.Identity()
    x = torch.arange(16.).view(1, 1, 4, 4)
    out = focus.eval()(x)
    assert out.shape == (1, 4, 2, 2)
    # top-left, bottom-left, top-right, bottom-right pixel of each 2 x 2 cell
    assert out[0, :, 0, 0].tolist() == [0., 4., 1., 5.]
    assert out[0, :, 1, 1].tolist() == [10., 14., 11., 15.]


def test_conv_bn_act_keeps_pytorch_default_init_and_yolox_batch_norm():
    torch.manual_seed(0)
    block = conv_bn_act(64, 32, 3, stride=2)
    fan_in = 64 * 9
    # PyTorch's default (kaiming uniform, a = sqrt(5)) is bounded by 1 / sqrt(fan_in); mmcv's
    # Kaiming normal init would exceed it
    assert block.conv.weight.abs().max() <= 1 / math.sqrt(fan_in)
    assert block.conv.bias is None and block.conv.padding == (1, 1)
    assert block.bn.eps == 1e-3 and block.bn.momentum == 0.03
    assert isinstance(block.activate, nn.SiLU)
    assert block(torch.zeros(1, 64, 8, 8)).shape == (1, 32, 4, 4)
    custom = conv_bn_act(4, 4, 1, act='lrelu', norm_eps=1e-5, norm_momentum=0.1)
    assert custom.bn.eps == 1e-5 and custom.bn.momentum == 0.1
    assert custom.activate.negative_slope == 0.1


def test_unknown_activation_is_named():
    with pytest.raises(ValueError, match="act must be one of .*'silu'.*got 'gelu'"):
        activation_cfg('gelu')


def test_depthwise_block_has_megvii_names():
    block = conv_block(8, 16, 3, 2, depthwise=True)
    assert isinstance(block, DepthwiseSeparableConv)
    assert block.dconv.conv.groups == 8 and block.dconv.conv.stride == (2, 2)
    assert block.pconv.conv.kernel_size == (1, 1)
    assert sorted(block.state_dict())[:2] == ['dconv.bn.bias', 'dconv.bn.num_batches_tracked']
    assert block(torch.zeros(2, 8, 8, 8)).shape == (2, 16, 4, 4)


def test_bottleneck_adds_the_input_only_with_shortcut_and_equal_widths():
    assert Bottleneck(8, 8, shortcut=True).use_add
    assert not Bottleneck(8, 8, shortcut=False).use_add
    assert not Bottleneck(8, 16, shortcut=True).use_add
    block = Bottleneck(4, 4).eval()
    with torch.no_grad():
        block.conv2.conv.weight.zero_()
        block.conv2.bn.bias.fill_(-100.)  # SiLU(-100) ~ 0: the output is the input
    x = torch.randn(1, 4, 5, 5)
    torch.testing.assert_close(block(x), x, atol=1e-30, rtol=1e-5)


def test_csp_layer_and_spp_shapes():
    csp = CSPLayer(16, 32, num_blocks=2)
    assert len(csp.m) == 2 and csp.conv1.conv.out_channels == 16
    assert csp(torch.zeros(1, 16, 6, 6)).shape == (1, 32, 6, 6)
    assert len(CSPLayer(16, 16, num_blocks=0).m) == 0
    spp = SPPBottleneck(32, 64, kernel_sizes=(3, 5))
    assert spp.conv2.conv.in_channels == 16 * 3
    assert [m.kernel_size for m in spp.m] == [3, 5]
    assert spp(torch.zeros(1, 32, 7, 7)).shape == (1, 64, 7, 7)
