"""``MoBYHead``: MoBY's predictor and its asymmetric cross-view InfoNCE loss (Xie et al., "Self-
Supervised Learning with Swin Transformers", https://arxiv.org/abs/2105.04553)."""
from typing import Dict, Optional, Sequence

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule

from easycv_like.registry import MODELS

from ..losses.info_nce import info_nce


@MODELS.register_module()
class MoBYHead(BaseModule):
    """Predict each view's target key from the other view's online projection, against that
    view's queue of past keys: ``L = nce(p1, k2, Q2) + nce(p2, k1, Q1)``.

    The predictor belongs to the online network only (the momentum target has none).

    Args:
        predictor: neck config of the predictor (``MLPNeck`` from ``feat_dim`` to ``feat_dim``).
        temperature: InfoNCE temperature. Default 0.2.
        init_cfg: mmengine init config. Default None.
    """

    def __init__(self, predictor: dict, temperature: float = 0.2,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.predictor = MODELS.build(predictor)
        self.temperature = temperature

    def _contrast(self, pred: torch.Tensor, key: torch.Tensor,
                  negatives: torch.Tensor) -> torch.Tensor:
        """InfoNCE of predictions N x C against their keys N x C and negatives K x C."""
        pred = F.normalize(pred, dim=1)
        pos = (pred * key).sum(dim=1, keepdim=True)  # N x 1
        return info_nce(pos, pred @ negatives.t(), self.temperature)

    def forward(self, projections: Sequence[torch.Tensor], keys: Sequence[torch.Tensor],
                negatives: Sequence[torch.Tensor]) -> Dict[str, torch.Tensor]:
        """projections: online projections of views 1, 2 (N x C); keys: normalised target keys
        of views 1, 2 (N x C); negatives: past keys of views 1, 2 (K x C) -> ``{'loss'}``."""
        pred1, pred2 = (self.predictor((z,))[0] for z in projections)
        loss = (self._contrast(pred1, keys[1], negatives[1])
                + self._contrast(pred2, keys[0], negatives[0]))
        return dict(loss=loss)
