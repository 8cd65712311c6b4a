"""``MAEHead``: the masked pixel loss of MAE (He et al., https://arxiv.org/abs/2111.06377) as a
registered head."""
from typing import Dict

import torch
from torch import nn

from easycv_like.registry import MODELS

from ..losses.mae_loss import mae_loss


@MODELS.register_module()
class MAEHead(nn.Module):
    """Turn the decoder's reconstruction into ``dict(loss=masked pixel MSE)``.

    Args:
        norm_pix: normalise each target patch by its own mean and variance (the paper's best
            setting). Default True.
    """

    def __init__(self, norm_pix: bool = True) -> None:
        super().__init__()
        self.norm_pix = norm_pix

    def forward(self, pred: torch.Tensor, target: torch.Tensor,
                mask: torch.Tensor) -> Dict[str, torch.Tensor]:
        """pred, target: N x L x P patches; mask: N x L (1 = masked) -> ``{'loss': scalar}``."""
        return dict(loss=mae_loss(pred, target, mask, self.norm_pix))
