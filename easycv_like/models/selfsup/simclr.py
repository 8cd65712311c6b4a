"""SimCLR: a simple framework for contrastive learning (Chen et al. 2020,
https://arxiv.org/abs/2002.05709)."""
from typing import Dict, List, Optional

import torch

from ...registry import MODELS
from .base import BaseSelfSupervisor


@MODELS.register_module()
class SimCLR(BaseSelfSupervisor):
    """Two augmented views of each image attract, all other images of the batch repel.

    Both views go through the encoder and the projection MLP in one batch (2N images, so the
    BN statistics cover both views, as in the paper's code), and ``NTXentHead`` scores every
    projection against the projections of the global batch. There is no momentum encoder and
    no queue: the negatives are the other images of the (large) batch. For BN statistics over
    the global batch, as in the paper, give the backbone and the neck
    ``norm_cfg=dict(type='SyncBN')``.

    Args:
        backbone: backbone config.
        neck: projection MLP config (``MLPNeck(2048, 2048, 128)`` for ResNet-50).
        head: ``NTXentHead`` config.
        data_preprocessor: see ``BaseSelfSupervisor``.
        init_cfg: mmengine init config.
    """

    def __init__(self, backbone: dict, neck: dict, head: dict,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(backbone, neck=neck, head=head, data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)

    def loss(self, inputs: List[torch.Tensor],
             data_samples: Optional[dict] = None) -> Dict[str, torch.Tensor]:
        """Two views, N x C x H x W each -> ``{'loss': NT-Xent}``."""
        if len(inputs) != 2:
            raise ValueError(f'SimCLR needs exactly 2 views, got {len(inputs)}')
        z = self.neck(self.backbone(torch.cat(inputs)))[0]  # 2N x D
        z1, z2 = z.chunk(2)  # N x D each
        return self.head(z1, z2)
