"""``FCNHead``: the fully convolutional head of FCN (Long et al., https://arxiv.org/abs/1411.4038)
as torchvision builds it, also used as the auxiliary head of DeepLabV3."""
from collections.abc import Sequence
from typing import Optional

import torch
from torch import nn

from easycv_like.registry import MODELS

from .decode_head import BaseDecodeHead, conv_bn_relu


@MODELS.register_module()
class FCNHead(BaseDecodeHead):
    """3x3 conv-BN-ReLU, dropout, 1x1 classifier over one feature map.

    Args:
        in_channels: channels of the feature map read.
        num_classes: number of classes.
        channels: width of the 3x3 convolution. Default ``in_channels // 4`` (torchvision).
        in_index: position in the backbone's feature tuple. Default -1 (the last).
        dropout: dropout before the classifier. Default 0.1.
        norm_cfg: mmcv norm config. Default ``dict(type='BN')``.
        ignore_index: label left out of the loss. Default 255.
        init_cfg: mmengine init config.
    """

    torchvision_names = {'0.': 'conv.0.', '1.': 'conv.1.', '4.': 'classifier.'}

    def __init__(self, in_channels: int, num_classes: int, channels: Optional[int] = None,
                 in_index: int = -1, dropout: float = 0.1, norm_cfg: Optional[dict] = None,
                 ignore_index: int = 255, init_cfg: Optional[dict] = None) -> None:
        super().__init__(num_classes, in_index, ignore_index, init_cfg)
        channels = channels or max(1, in_channels // 4)
        self.conv = conv_bn_relu(in_channels, channels, 3, norm_cfg=norm_cfg)
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Conv2d(channels, num_classes, 1)

    def forward(self, feats: Sequence[torch.Tensor]) -> torch.Tensor:
        """Feature tuple -> logits N x K x h x w at the read map's stride."""
        return self.classifier(self.dropout(self.conv(self.select(feats))))
