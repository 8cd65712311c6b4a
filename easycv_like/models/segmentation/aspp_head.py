"""``ASPPHead``: DeepLabV3's atrous spatial pyramid pooling head (Chen et al.,
https://arxiv.org/abs/1706.05587), with torchvision's layout and defaults."""
from collections.abc import Sequence
from typing import Optional

import torch
import torch.nn.functional as F
from mmcv.cnn import build_norm_layer
from torch import nn

from easycv_like.errors import ConfigError
from easycv_like.registry import MODELS

from .decode_head import BaseDecodeHead, conv_bn_relu


class ImagePooling(nn.Sequential):
    """Global average pool -> 1x1 conv-BN-ReLU, broadcast back to the input's size."""

    def __init__(self, in_channels: int, out_channels: int, norm_cfg: Optional[dict]) -> None:
        super().__init__(nn.AdaptiveAvgPool2d(1),
                         nn.Conv2d(in_channels, out_channels, 1, bias=False),
                         build_norm_layer(norm_cfg or dict(type='BN'), out_channels)[1],
                         nn.ReLU(inplace=True))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pooled = super().forward(x)  # N x C x 1 x 1
        return F.interpolate(pooled, size=x.shape[-2:], mode='bilinear', align_corners=False)


@MODELS.register_module()
class ASPPHead(BaseDecodeHead):
    """Parallel branches (1x1 conv, one 3x3 atrous conv per dilation, image pooling),
    concatenated and projected (1x1, dropout), then a 3x3 conv-BN-ReLU and a 1x1 classifier.

    Args:
        in_channels: channels of the feature map read (960 for dilated MobileNetV3-Large).
        num_classes: number of classes.
        channels: width of every branch and of the projection. Default 256.
        dilations: rates of the atrous branches. Default (12, 24, 36) (output stride 8 or 16
            as torchvision uses them).
        in_index: position in the backbone's feature tuple. Default -1 (the last).
        dropout: dropout after the projection. Default 0.5.
        norm_cfg: mmcv norm config. Default ``dict(type='BN')``.
        ignore_index: label left out of the loss. Default 255.
        init_cfg: mmengine init config.
    """

    torchvision_names = {'0.convs.': 'branches.', '0.project.': 'project.',
                         '1.': 'bottleneck.0.', '2.': 'bottleneck.1.', '4.': 'classifier.'}

    def __init__(self, in_channels: int, num_classes: int, channels: int = 256,
                 dilations: Sequence[int] = (12, 24, 36), in_index: int = -1,
                 dropout: float = 0.5, norm_cfg: Optional[dict] = None,
                 ignore_index: int = 255, init_cfg: Optional[dict] = None) -> None:
        super().__init__(num_classes, in_index, ignore_index, init_cfg)
        if not dilations or any(int(d) < 1 for d in dilations):
            raise ConfigError(f'ASPPHead dilations must be rates >= 1, got {dilations}.')
        self.branches = nn.ModuleList(
            [conv_bn_relu(in_channels, channels, 1, norm_cfg=norm_cfg)]
            + [conv_bn_relu(in_channels, channels, 3, int(d), norm_cfg) for d in dilations]
            + [ImagePooling(in_channels, channels, norm_cfg)])
        self.project = nn.Sequential(*conv_bn_relu(len(self.branches) * channels, channels, 1,
                                                   norm_cfg=norm_cfg), nn.Dropout(dropout))
        self.bottleneck = conv_bn_relu(channels, channels, 3, norm_cfg=norm_cfg)
        self.classifier = nn.Conv2d(channels, num_classes, 1)

    def forward(self, feats: Sequence[torch.Tensor]) -> torch.Tensor:
        """Feature tuple -> logits N x K x h x w at the read map's stride."""
        x = self.select(feats)
        x = self.project(torch.cat([branch(x) for branch in self.branches], 1))  # N x C x h x w
        return self.classifier(self.bottleneck(x))
