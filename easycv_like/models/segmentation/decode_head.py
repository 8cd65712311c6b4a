"""``BaseDecodeHead``: what every segmentation head shares (feature selection, the pixel loss,
torchvision's parameter names) and the conv-BN-ReLU unit the heads are built of."""
from collections.abc import Mapping, Sequence
from typing import Dict, Optional, Union

import torch
import torch.nn.functional as F
from mmcv.cnn import build_norm_layer
from mmengine.model import BaseModule
from torch import nn

from ...errors import ConfigError
from ..losses import pixel_cross_entropy


def conv_bn_relu(in_channels: int, out_channels: int, kernel_size: int = 1, dilation: int = 1,
                 norm_cfg: Optional[dict] = None) -> nn.Sequential:
    """Conv (no bias, 'same' padding) -> norm -> ReLU, indexed 0 / 1 / 2 as in torchvision."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, padding=dilation * (kernel_size // 2),
                  dilation=dilation, bias=False),
        build_norm_layer(norm_cfg or dict(type='BN'), out_channels)[1],
        nn.ReLU(inplace=True))


class BaseDecodeHead(BaseModule):
    """Base of the segmentation heads: ``forward(feats) -> logits`` N x K x h x w from the
    backbone's feature tuple, ``loss(logits, target)`` -> ``{'loss_ce': ...}``.

    Subclasses set ``torchvision_names``: prefixes of torchvision's head parameters (relative to
    its ``classifier.`` / ``aux_classifier.``) -> ours, so a torchvision model's weights load
    (``models/segmentation/torchvision_names.py``).

    Args:
        num_classes: number of classes K.
        in_index: position(s) in the backbone's feature tuple the head reads.
        ignore_index: label of pixels left out of the loss. Default 255.
        init_cfg: mmengine init config.
    """

    torchvision_names: Mapping[str, str] = {}

    def __init__(self, num_classes: int, in_index: Union[int, Sequence[int]],
                 ignore_index: int = 255, init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_classes < 1:
            raise ConfigError(f'{type(self).__name__}.num_classes must be >= 1, got {num_classes}.')
        self.num_classes = num_classes
        self.in_index = in_index if isinstance(in_index, int) else tuple(in_index)
        self.ignore_index = ignore_index

    def select(self, feats: Sequence[torch.Tensor]) -> Union[torch.Tensor, tuple]:
        """The feature map(s) at ``in_index``; an index past the tuple is an error."""
        indices = [self.in_index] if isinstance(self.in_index, int) else list(self.in_index)
        for index in indices:
            if not -len(feats) <= index < len(feats):
                raise IndexError(f'{type(self).__name__}.in_index {self.in_index} is outside '
                                 f'the {len(feats)} feature maps the backbone returns (set the '
                                 "backbone's out_indices or the head's in_index).")
        if isinstance(self.in_index, int):
            return feats[self.in_index]
        return tuple(feats[i] for i in indices)

    def loss(self, logits: torch.Tensor, target: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Logits N x K x h x w, upsampled (bilinear) to the target's N x H x W, against it."""
        if logits.shape[-2:] != target.shape[-2:]:
            logits = F.interpolate(logits, size=target.shape[-2:], mode='bilinear',
                                   align_corners=False)  # N x K x H x W
        return {'loss_ce': pixel_cross_entropy(logits, target, self.ignore_index)}
