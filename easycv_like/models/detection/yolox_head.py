"""YOLOXHead: the decoupled, anchor-free YOLOX head (https://arxiv.org/abs/2107.08430)."""
import math
from typing import List, Optional, Sequence, Tuple

import torch
from mmengine.model import BaseModule
from torch import nn

from ...errors import ConfigError
from ...registry import MODELS
from ..backbones.csp_layers import NORM_EPS, NORM_MOMENTUM, conv_bn_act, conv_block

PRIOR_PROB = 0.01  # initial class / objectness probability (focal-loss style bias init)

HeadOutputs = Tuple[List[torch.Tensor], List[torch.Tensor], List[torch.Tensor]]


@MODELS.register_module()
class YOLOXHead(BaseModule):
    """Per level: a 1 x 1 stem, then a classification branch (two 3 x 3 convs -> class logits)
    and a regression branch (two 3 x 3 convs -> box ``(dx, dy, dw, dh)`` and objectness logit).

    The head returns raw maps only; decoding lives in ``yolox_grid.py`` and the losses in the
    criterion. Class and objectness biases start at ``-log((1 - p) / p)`` with p = 0.01.
    Module names are Megvii's (``stems``, ``cls_convs``, ``reg_convs``, ``cls_preds``,
    ``reg_preds``, ``obj_preds``), so its ``head.*`` weights load by name.

    Args:
        num_classes: number of classes.
        widen_factor: width multiplier for ``in_channels`` and ``feat_channels``. Default 1.0.
        in_channels: widths of the input levels before the width factor.
            Default (256, 512, 1024).
        feat_channels: width of the branches before the width factor. Default 256.
        strides: stride of each level in input pixels. Default (8, 16, 32).
        depthwise: depthwise-separable 3 x 3 convolutions in the branches. Default False.
        act: ``'silu'``, ``'relu'`` or ``'lrelu'``. Default 'silu'.
        norm_eps: BatchNorm eps. Default 1e-3.
        norm_momentum: BatchNorm momentum, PyTorch's convention. Default 0.03.
        init_cfg: mmengine init config. Default None (PyTorch's default init + the prior bias).
    """

    def __init__(self, num_classes: int, widen_factor: float = 1.0,
                 in_channels: Sequence[int] = (256, 512, 1024), feat_channels: int = 256,
                 strides: Sequence[int] = (8, 16, 32), depthwise: bool = False,
                 act: str = 'silu', norm_eps: float = NORM_EPS,
                 norm_momentum: float = NORM_MOMENTUM, init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_classes < 1:
            raise ConfigError(f'YOLOXHead.num_classes must be >= 1, got {num_classes}.')
        if len(in_channels) != len(strides):
            raise ConfigError(f'YOLOXHead needs one stride per input level, got in_channels='
                              f'{tuple(in_channels)} and strides={tuple(strides)}')
        self.num_classes = num_classes
        self.strides = tuple(int(s) for s in strides)
        width = int(feat_channels * widen_factor)
        self.input_channels = [int(c * widen_factor) for c in in_channels]
        norm = dict(norm_eps=norm_eps, norm_momentum=norm_momentum)

        def branch() -> nn.Sequential:
            return nn.Sequential(*[conv_block(width, width, 3, 1, depthwise, act, **norm)
                                   for _ in range(2)])

        self.stems = nn.ModuleList(
            [conv_bn_act(c, width, 1, act=act, **norm) for c in self.input_channels])
        self.cls_convs = nn.ModuleList([branch() for _ in in_channels])
        self.reg_convs = nn.ModuleList([branch() for _ in in_channels])
        self.cls_preds = nn.ModuleList([nn.Conv2d(width, num_classes, 1) for _ in in_channels])
        self.reg_preds = nn.ModuleList([nn.Conv2d(width, 4, 1) for _ in in_channels])
        self.obj_preds = nn.ModuleList([nn.Conv2d(width, 1, 1) for _ in in_channels])
        prior_bias = -math.log((1 - PRIOR_PROB) / PRIOR_PROB)
        with torch.no_grad():
            for conv in [*self.cls_preds, *self.obj_preds]:
                conv.bias.fill_(prior_bias)

    def forward(self, feats: Sequence[torch.Tensor]) -> HeadOutputs:
        """Per-level maps -> ``(cls_scores, bbox_preds, objectnesses)``: lists of
        B x num_classes x H x W, B x 4 x H x W and B x 1 x H x W raw logits / offsets."""
        if len(feats) != len(self.strides):
            raise ValueError(f'YOLOXHead has {len(self.strides)} levels, got {len(feats)} maps')
        cls_scores, bbox_preds, objectnesses = [], [], []
        for level, x in enumerate(feats):
            x = self.stems[level](x)
            cls_scores.append(self.cls_preds[level](self.cls_convs[level](x)))
            reg_feat = self.reg_convs[level](x)
            bbox_preds.append(self.reg_preds[level](reg_feat))
            objectnesses.append(self.obj_preds[level](reg_feat))
        return cls_scores, bbox_preds, objectnesses
