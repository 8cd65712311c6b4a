"""The building blocks of YOLOX's CSPDarknet, PAFPN and head (Ge et al., 2021,
https://arxiv.org/abs/2107.08430), named as Megvii's code names them.

Every convolution is an mmcv ``ConvModule`` (``conv`` + ``bn`` + activation), whose parameter
names are those of Megvii's ``BaseConv``; a depthwise-separable one keeps Megvii's ``dconv`` /
``pconv`` names. So a Megvii state dict loads by name with prefixes changed only
(``models/detection/yolox_checkpoint.py``).
"""
from typing import Sequence

import torch
from mmcv.cnn import ConvModule
from torch import nn

from easycv_like.errors import ConfigError

ACTIVATIONS = {'silu': dict(type='SiLU'), 'relu': dict(type='ReLU'),
               'lrelu': dict(type='LeakyReLU', negative_slope=0.1)}
NORM_EPS = 1e-3  # Megvii's YOLOX BatchNorm (eps 1e-3, PyTorch momentum 0.03)
NORM_MOMENTUM = 0.03


def activation_cfg(act: str) -> dict:
    """``'silu'`` / ``'relu'`` / ``'lrelu'`` (slope 0.1) -> mmcv activation config."""
    if act not in ACTIVATIONS:
        raise ConfigError(f'act must be one of {sorted(ACTIVATIONS)}, got {act!r}')
    return dict(ACTIVATIONS[act])


def conv_bn_act(in_channels: int, out_channels: int, kernel_size: int, stride: int = 1,
                groups: int = 1, act: str = 'silu', norm_eps: float = NORM_EPS,
                norm_momentum: float = NORM_MOMENTUM) -> ConvModule:
    """Conv (no bias, 'same' padding) -> BatchNorm -> activation.

    The convolution keeps PyTorch's default initialisation (ConvModule re-initialises it with
    Kaiming normal), which is where Megvii's training starts from.
    """
    module = ConvModule(in_channels, out_channels, kernel_size, stride=stride,
                        padding=(kernel_size - 1) // 2, groups=groups,
                        norm_cfg=dict(type='BN', eps=norm_eps, momentum=norm_momentum),
                        act_cfg=activation_cfg(act))
    module.conv.reset_parameters()
    return module


class DepthwiseSeparableConv(nn.Module):
    """Depthwise k x k conv (``dconv``) then pointwise 1 x 1 conv (``pconv``), each with BN and
    activation (Megvii's ``DWConv``)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1,
                 act: str = 'silu', norm_eps: float = NORM_EPS,
                 norm_momentum: float = NORM_MOMENTUM) -> None:
        super().__init__()
        norm = dict(norm_eps=norm_eps, norm_momentum=norm_momentum)
        self.dconv = conv_bn_act(in_channels, in_channels, kernel_size, stride,
                                 groups=in_channels, act=act, **norm)
        self.pconv = conv_bn_act(in_channels, out_channels, 1, act=act, **norm)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pconv(self.dconv(x))


def conv_block(in_channels: int, out_channels: int, kernel_size: int, stride: int = 1,
               depthwise: bool = False, act: str = 'silu', norm_eps: float = NORM_EPS,
               norm_momentum: float = NORM_MOMENTUM) -> nn.Module:
    """A plain or depthwise-separable conv block (the ``depthwise`` switch of YOLOX-nano)."""
    if depthwise:
        return DepthwiseSeparableConv(in_channels, out_channels, kernel_size, stride, act,
                                      norm_eps, norm_momentum)
    return conv_bn_act(in_channels, out_channels, kernel_size, stride, act=act,
                       norm_eps=norm_eps, norm_momentum=norm_momentum)


class Bottleneck(nn.Module):
    """1 x 1 conv then 3 x 3 conv (``conv1``, ``conv2``), plus the input when ``shortcut`` and
    the widths agree."""

    def __init__(self, in_channels: int, out_channels: int, shortcut: bool = True,
                 expansion: float = 0.5, depthwise: bool = False, act: str = 'silu',
                 norm_eps: float = NORM_EPS, norm_momentum: float = NORM_MOMENTUM) -> None:
        super().__init__()
        hidden = int(out_channels * expansion)
        norm = dict(norm_eps=norm_eps, norm_momentum=norm_momentum)
        self.conv1 = conv_bn_act(in_channels, hidden, 1, act=act, **norm)
        self.conv2 = conv_block(hidden, out_channels, 3, 1, depthwise, act, **norm)
        self.use_add = shortcut and in_channels == out_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.conv2(self.conv1(x))
        return y + x if self.use_add else y


class CSPLayer(nn.Module):
    """Cross-stage-partial layer: two 1 x 1 branches of half width, ``num_blocks`` bottlenecks
    (``m``) on the first, concatenated and fused by a 1 x 1 conv (``conv3``)."""

    def __init__(self, in_channels: int, out_channels: int, num_blocks: int = 1,
                 shortcut: bool = True, expansion: float = 0.5, depthwise: bool = False,
                 act: str = 'silu', norm_eps: float = NORM_EPS,
                 norm_momentum: float = NORM_MOMENTUM) -> None:
        super().__init__()
        hidden = int(out_channels * expansion)
        norm = dict(norm_eps=norm_eps, norm_momentum=norm_momentum)
        self.conv1 = conv_bn_act(in_channels, hidden, 1, act=act, **norm)
        self.conv2 = conv_bn_act(in_channels, hidden, 1, act=act, **norm)
        self.conv3 = conv_bn_act(2 * hidden, out_channels, 1, act=act, **norm)
        self.m = nn.Sequential(*[Bottleneck(hidden, hidden, shortcut, 1.0, depthwise, act, **norm)
                                 for _ in range(num_blocks)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv3(torch.cat([self.m(self.conv1(x)), self.conv2(x)], dim=1))


class SPPBottleneck(nn.Module):
    """Spatial pyramid pooling: halve the width (``conv1``), concatenate stride-1 max pools of
    ``kernel_sizes`` with it, fuse (``conv2``)."""

    def __init__(self, in_channels: int, out_channels: int,
                 kernel_sizes: Sequence[int] = (5, 9, 13), act: str = 'silu',
                 norm_eps: float = NORM_EPS, norm_momentum: float = NORM_MOMENTUM) -> None:
        super().__init__()
        hidden = in_channels // 2
        norm = dict(norm_eps=norm_eps, norm_momentum=norm_momentum)
        self.conv1 = conv_bn_act(in_channels, hidden, 1, act=act, **norm)
        self.m = nn.ModuleList([nn.MaxPool2d(k, stride=1, padding=k // 2) for k in kernel_sizes])
        self.conv2 = conv_bn_act(hidden * (len(kernel_sizes) + 1), out_channels, 1, act=act,
                                 **norm)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv1(x)
        return self.conv2(torch.cat([x] + [pool(x) for pool in self.m], dim=1))


class Focus(nn.Module):
    """Space-to-depth stem: the four pixel phases of every 2 x 2 cell stacked as channels
    (top-left, bottom-left, top-right, bottom-right, Megvii's order), then a conv."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 1,
                 stride: int = 1, act: str = 'silu', norm_eps: float = NORM_EPS,
                 norm_momentum: float = NORM_MOMENTUM) -> None:
        super().__init__()
        self.conv = conv_bn_act(in_channels * 4, out_channels, kernel_size, stride, act=act,
                                norm_eps=norm_eps, norm_momentum=norm_momentum)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # B x C x H x W -> B x 4C x H/2 x W/2
        return self.conv(torch.cat([x[..., ::2, ::2], x[..., 1::2, ::2], x[..., ::2, 1::2],
                                    x[..., 1::2, 1::2]], dim=1))
