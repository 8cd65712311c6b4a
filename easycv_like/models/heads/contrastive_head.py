"""``ContrastiveHead``: the InfoNCE loss of MoCo (He et al., https://arxiv.org/abs/1911.05722)
as a registered head."""
from typing import Dict

import torch
from torch import nn

from easycv_like.registry import MODELS

from ..losses.info_nce import info_nce


@MODELS.register_module()
class ContrastiveHead(nn.Module):
    """Turn positive/negative similarities into ``dict(loss=InfoNCE)``.

    Args:
        temperature: softmax temperature. Default 0.2 (MoCo v2).
    """

    def __init__(self, temperature: float = 0.2) -> None:
        super().__init__()
        self.temperature = temperature

    def forward(self, pos: torch.Tensor, neg: torch.Tensor) -> Dict[str, torch.Tensor]:
        """pos N x 1, neg N x K -> ``{'loss': scalar}``."""
        return dict(loss=info_nce(pos, neg, self.temperature))
