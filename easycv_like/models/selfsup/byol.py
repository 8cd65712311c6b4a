"""BYOL: bootstrap your own latent (Grill et al. 2020, https://arxiv.org/abs/2006.07733)."""
from typing import Dict, List, Optional

import torch
from ...registry import MODELS
from .base import BaseSelfSupervisor


@MODELS.register_module()
class BYOL(BaseSelfSupervisor):
    """The online network predicts the target network's projection of the other view.

    Online: backbone -> projector (``neck``) -> predictor (inside ``head``,
    ``LatentPredictHead``). Target: a frozen copy of backbone + projector (no predictor,
    ``momentum_backbone`` + ``momentum_neck``), moved towards the online ones only by
    ``MomentumUpdateHook``: with ``momentum_end=1.0`` the EMA momentum rises from ``momentum``
    (the paper's base tau = 0.996 at batch 4096; 0.99 for smaller batches) to 1 over training.
    Each view goes through its own forward pass (BN statistics per view, as in the paper's
    code), and the loss is symmetric:
    ``L = l(p1, z2') + l(p2, z1')`` with ``l = 2 - 2 cos``.

    Args:
        backbone: backbone config.
        neck: projector config (``MLPNeck(2048, 4096, 256, with_bias=True)`` for ResNet-50).
        head: ``LatentPredictHead`` config holding the predictor.
        momentum: base EMA momentum of the target (paper meaning: 0.99 keeps 99% of it).
            Default 0.99.
        momentum_end: momentum reached at the end of a cosine schedule (the paper: 1.0).
            Default None (constant ``momentum``).
        data_preprocessor: see ``BaseSelfSupervisor``.
        init_cfg: mmengine init config.
    """

    def __init__(self, backbone: dict, neck: dict, head: dict, momentum: float = 0.99,
                 momentum_end: Optional[float] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(backbone, neck=neck, head=head, data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.set_momentum_schedule(momentum, momentum_end)
        self.add_momentum_copy('backbone', backbone)
        self.add_momentum_copy('neck', neck)

    def loss(self, inputs: List[torch.Tensor],
             data_samples: Optional[dict] = None) -> Dict[str, torch.Tensor]:
        """Two views, N x C x H x W each -> ``{'loss': symmetric BYOL loss}``."""
        if len(inputs) != 2:
            raise ValueError(f'BYOL needs exactly 2 views, got {len(inputs)}')
        online = [self.neck(self.backbone(x))[0] for x in inputs]  # N x D each
        with torch.no_grad():
            target = [self.momentum_neck(self.momentum_backbone(x))[0] for x in inputs]
        loss = self.head(online[0], target[1])['loss'] + self.head(online[1], target[0])['loss']
        return dict(loss=loss)
