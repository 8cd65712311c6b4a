"""``LatentPredictHead``: BYOL's predictor and regression loss (Grill et al. 2020,
https://arxiv.org/abs/2006.07733)."""
from typing import Dict, Optional

import torch
from mmengine.model import BaseModule

from easycv_like.registry import MODELS

from ..losses.byol_loss import byol_loss


@MODELS.register_module()
class LatentPredictHead(BaseModule):
    """Predict the target projection of one view from the online projection of the other.

    ``loss = byol_loss(predictor(online), target) = mean(2 - 2 cos)``; the predictor belongs
    to the online network only (the target has none), so its gradients come from here alone.

    Args:
        predictor: neck config of the predictor, e.g. ``dict(type='MLPNeck', in_channels=256,
            hid_channels=4096, out_channels=256, with_bias=True, with_avg_pool=False)``.
        init_cfg: mmengine init config. Default None.
    """

    def __init__(self, predictor: dict, init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.predictor = MODELS.build(predictor)

    def forward(self, online: torch.Tensor, target: torch.Tensor) -> Dict[str, torch.Tensor]:
        """online: N x D online projection of view a; target: N x D target projection of
        view b -> ``{'loss': scalar}``."""
        pred = self.predictor((online,))[0]  # N x D
        return dict(loss=byol_loss(pred, target))
