"""``LRASPPHead``: the Lite R-ASPP head of MobileNetV3 (Howard et al.,
https://arxiv.org/abs/1905.02244), with torchvision's layout."""
from collections.abc import Sequence
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from easycv_like.errors import ConfigError
from easycv_like.registry import MODELS

from .decode_head import BaseDecodeHead, conv_bn_relu


@MODELS.register_module()
class LRASPPHead(BaseDecodeHead):
    """High-level features: 1x1 conv-BN-ReLU gated by the sigmoid of a 1x1 conv of their global
    average, upsampled to the low-level features; a 1x1 classifier on each, summed.

    Args:
        in_channels: (low, high) channels (40, 960 for dilated MobileNetV3-Large).
        num_classes: number of classes.
        channels: width of the gated high branch. Default 128.
        in_index: (low, high) positions in the backbone's feature tuple. Default (0, 1).
        norm_cfg: mmcv norm config. Default ``dict(type='BN')``.
        ignore_index: label left out of the loss. Default 255.
        init_cfg: mmengine init config.
    """

    torchvision_names = {'cbr.': 'high_branch.', 'scale.': 'gate.',
                         'low_classifier.': 'low_classifier.',
                         'high_classifier.': 'high_classifier.'}

    def __init__(self, in_channels: Sequence[int], num_classes: int, channels: int = 128,
                 in_index: Sequence[int] = (0, 1), norm_cfg: Optional[dict] = None,
                 ignore_index: int = 255, init_cfg: Optional[dict] = None) -> None:
        if len(in_channels) != 2 or isinstance(in_index, int) or len(in_index) != 2:
            raise ConfigError('LRASPPHead reads two maps: in_channels and in_index are '
                             f'(low, high) pairs, got {in_channels} and {in_index}.')
        super().__init__(num_classes, in_index, ignore_index, init_cfg)
        low_channels, high_channels = in_channels
        self.high_branch = conv_bn_relu(high_channels, channels, 1, norm_cfg=norm_cfg)
        self.gate = nn.Sequential(nn.AdaptiveAvgPool2d(1),
                                  nn.Conv2d(high_channels, channels, 1, bias=False),
                                  nn.Sigmoid())
        self.low_classifier = nn.Conv2d(low_channels, num_classes, 1)
        self.high_classifier = nn.Conv2d(channels, num_classes, 1)

    def forward(self, feats: Sequence[torch.Tensor]) -> torch.Tensor:
        """Feature tuple -> logits N x K x h x w at the low map's stride."""
        low, high = self.select(feats)
        x = self.high_branch(high) * self.gate(high)  # N x C x h' x w'
        x = F.interpolate(x, size=low.shape[-2:], mode='bilinear', align_corners=False)
        return self.low_classifier(low) + self.high_classifier(x)
