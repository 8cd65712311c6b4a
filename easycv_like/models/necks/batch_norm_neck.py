"""Standardise frozen features before a linear probe: pool, then BatchNorm without affine."""
from typing import Optional, Sequence, Tuple

import torch
from mmengine.model import BaseModule
from torch import nn

from easycv_like.registry import MODELS


@MODELS.register_module()
class BatchNormNeck(BaseModule):
    """Global-average-pool the last feature map, then ``BatchNorm1d(affine=False)``.

    The linear protocols of MoCo v3 and MAE put this in front of the linear layer: the probe
    then sees features of unit scale whatever the pre-training made of them, so one learning
    rate works for every checkpoint. With no affine parameters it adds nothing to train, and
    at test time (running statistics) the probe stays a linear function of the features.

    Args:
        in_channels: channels of the last feature map.
        eps: BatchNorm epsilon. Default 1e-6 (as MAE's probe).
        init_cfg: mmengine init config. Default None.
    """

    def __init__(self, in_channels: int, eps: float = 1e-6,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.bn = nn.BatchNorm1d(in_channels, affine=False, eps=eps)

    def forward(self, feats: Sequence[torch.Tensor]) -> Tuple[torch.Tensor]:
        """The last of ``feats`` (N x C x H x W, or already N x C) -> ``(N x C,)``."""
        x = feats[-1]
        if x.dim() == 4:
            x = x.mean(dim=(2, 3))
        elif x.dim() != 2:
            raise ValueError(f'BatchNormNeck expects N x C x H x W or N x C features, got '
                             f'shape {tuple(x.shape)}.')
        return (self.bn(x),)
