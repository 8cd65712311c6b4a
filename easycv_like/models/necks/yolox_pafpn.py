"""YOLOXPAFPN: the path-aggregation feature pyramid of YOLOX (https://arxiv.org/abs/2107.08430)."""
from typing import Optional, Sequence

import torch
from mmengine.model import BaseModule
from torch import nn

from ...registry import MODELS
from ..backbones.csp_layers import NORM_EPS, NORM_MOMENTUM, CSPLayer, conv_bn_act, conv_block


@MODELS.register_module()
class YOLOXPAFPN(BaseModule):
    """Top-down then bottom-up fusion of three backbone maps (strides 8, 16, 32).

    Takes and returns three maps with ``int(c * widen_factor)`` channels for ``c`` in
    ``in_channels``. A backbone of other widths (a ResNet-50 gives 512, 1024, 2048) is set in
    ``backbone_channels``: each of its maps first passes a 1 x 1 conv-BN-act (``input_convs``)
    to its level's width, so the neck's size does not follow the backbone's. Module names are
    Megvii's (``lateral_conv0``, ``C3_p4``, ``reduce_conv1``,
    ``C3_p3``, ``bu_conv2``, ``C3_n3``, ``bu_conv1``, ``C3_n4``), so its weights load by name.

    Args:
        deepen_factor: depth multiplier; each CSP layer holds ``round(3 * deepen_factor)``
            bottlenecks (none at all for factors below 1/6, as in Megvii's code).
        widen_factor: width multiplier applied to ``in_channels``.
        in_channels: widths of the three levels before the width factor (as Megvii).
            Default (256, 512, 1024).
        backbone_channels: channels of the three maps the backbone gives, when they are not
            the level widths (no width factor applied). Default None: they are (CSPDarknet).
        depthwise: depthwise-separable bottom-up and bottleneck convolutions. Default False.
        act: ``'silu'``, ``'relu'`` or ``'lrelu'``. Default 'silu'.
        norm_eps: BatchNorm eps. Default 1e-3.
        norm_momentum: BatchNorm momentum, PyTorch's convention. Default 0.03.
        init_cfg: mmengine init config. Default None (PyTorch's default init).
    """

    def __init__(self, deepen_factor: float = 1.0, widen_factor: float = 1.0,
                 in_channels: Sequence[int] = (256, 512, 1024),
                 backbone_channels: Optional[Sequence[int]] = None, depthwise: bool = False,
                 act: str = 'silu', norm_eps: float = NORM_EPS,
                 norm_momentum: float = NORM_MOMENTUM, init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if len(in_channels) != 3:
            raise ValueError(f'YOLOXPAFPN takes three levels, got in_channels={in_channels}')
        if backbone_channels is not None and len(backbone_channels) != 3:
            raise ValueError(f'YOLOXPAFPN takes three levels, got backbone_channels='
                             f'{backbone_channels}')
        c3, c4, c5 = (int(c * widen_factor) for c in in_channels)
        blocks = round(3 * deepen_factor)
        norm = dict(norm_eps=norm_eps, norm_momentum=norm_momentum)
        # the channels forward expects: the backbone's, or the level widths
        self.input_channels = [int(c) for c in backbone_channels or (c3, c4, c5)]
        self.backbone_channels_differ = backbone_channels is not None
        if self.backbone_channels_differ:
            self.input_convs = nn.ModuleList(
                [conv_bn_act(c_in, c_out, 1, act=act, **norm)
                 for c_in, c_out in zip(self.input_channels, (c3, c4, c5))])

        def csp(in_ch: int, out_ch: int) -> CSPLayer:
            return CSPLayer(in_ch, out_ch, blocks, False, depthwise=depthwise, act=act, **norm)

        self.upsample = nn.Upsample(scale_factor=2, mode='nearest')
        self.lateral_conv0 = conv_bn_act(c5, c4, 1, act=act, **norm)
        self.C3_p4 = csp(2 * c4, c4)
        self.reduce_conv1 = conv_bn_act(c4, c3, 1, act=act, **norm)
        self.C3_p3 = csp(2 * c3, c3)
        self.bu_conv2 = conv_block(c3, c3, 3, 2, depthwise, act, **norm)
        self.C3_n3 = csp(2 * c3, c4)
        self.bu_conv1 = conv_block(c4, c4, 3, 2, depthwise, act, **norm)
        self.C3_n4 = csp(2 * c4, c5)
        self.out_channels = [c3, c4, c5]

    def forward(self, feats: Sequence[torch.Tensor]) -> tuple:
        """(stride 8, 16, 32 maps) -> fused maps of the same shapes."""
        if len(feats) != 3:
            raise ValueError(f'YOLOXPAFPN takes three feature maps, got {len(feats)}')
        if self.backbone_channels_differ:
            feats = [conv(f) for conv, f in zip(self.input_convs, feats)]  # level widths
        x3, x4, x5 = feats
        top5 = self.lateral_conv0(x5)  # c5 -> c4, stride 32
        p4 = self.C3_p4(torch.cat([self.upsample(top5), x4], dim=1))  # c4, stride 16
        top4 = self.reduce_conv1(p4)  # c4 -> c3
        out3 = self.C3_p3(torch.cat([self.upsample(top4), x3], dim=1))  # c3, stride 8
        out4 = self.C3_n3(torch.cat([self.bu_conv2(out3), top4], dim=1))  # c4, stride 16
        out5 = self.C3_n4(torch.cat([self.bu_conv1(out4), top5], dim=1))  # c5, stride 32
        return out3, out4, out5
