"""``NTXentHead``: SimCLR's NT-Xent loss (Chen et al. 2020, https://arxiv.org/abs/2002.05709)
as a registered head."""
from typing import Dict

import torch
from torch import nn

from easycv_like.registry import MODELS

from ..losses.nt_xent import nt_xent


@MODELS.register_module()
class NTXentHead(nn.Module):
    """Turn the projections of two views into ``dict(loss=NT-Xent)`` over the global batch.

    Args:
        temperature: softmax temperature. Default 0.1 (SimCLR's ImageNet setting).
    """

    def __init__(self, temperature: float = 0.1) -> None:
        super().__init__()
        self.temperature = temperature

    def forward(self, z1: torch.Tensor, z2: torch.Tensor) -> Dict[str, torch.Tensor]:
        """z1, z2: N x D projections of views 1 and 2 -> ``{'loss': scalar}``."""
        return dict(loss=nt_xent(z1, z2, self.temperature))
