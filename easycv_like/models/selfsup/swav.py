"""SwAV: swapping assignments between multiple views (Caron et al. 2020,
https://arxiv.org/abs/2006.09882)."""
from typing import Dict, List, Optional, Tuple

import torch

from ...registry import MODELS
from .base import BaseSelfSupervisor
from .multi_crop import forward_by_size


@MODELS.register_module()
class SwAV(BaseSelfSupervisor):
    """Predict the prototype code of one crop from every other crop of the same image.

    Multi-crop: the views are e.g. 2 x 224 then 6 x 96 (``MultiViewDataset(num_views=[2, 6])``).
    Crops of the same resolution share one backbone pass at their native size; the pooled
    features of all crops then go through the projection MLP together (its BN sees every
    crop, as in the paper's code). ``SwAVHead`` owns the prototypes, the Sinkhorn codes, the
    optional queue and the loss. Schedules are hooks: ``SwAVPrototypeFreezeHook`` (no prototype
    updates during the first iterations, the paper's first epoch) and ``SwAVQueueHook``
    (queue used from a given epoch on).

    Args:
        backbone: backbone config.
        neck: projection MLP config with ``with_avg_pool=False`` (inputs are pooled here),
            ``MLPNeck(2048, 2048, 128, with_bias=True)`` for ResNet-50.
        head: ``SwAVHead`` config.
        data_preprocessor: see ``BaseSelfSupervisor``.
        init_cfg: mmengine init config.
    """

    def __init__(self, backbone: dict, neck: dict, head: dict,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(backbone, neck=neck, head=head, data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)

    def scheduled_values(self) -> Tuple[str, ...]:
        """``SwAVQueueHook`` switches the head's queue on (only a head with a queue has one)."""
        return ('head.use_queue',) if getattr(self.head, 'queues', None) else ()

    def required_hooks(self) -> Dict[str, str]:
        """A head with a queue needs ``SwAVQueueHook`` (checked by engine/model_hooks.py):
        without it ``use_queue`` stays False and the configured queue is never used."""
        if not getattr(self.head, 'queues', None):
            return {}
        return {'SwAVQueueHook': f'head.queue_length={self.head.queue_length} is used only once '
                "it switches the queue on: add dict(type='SwAVQueueHook', start_epoch=N), or "
                'set model.head.queue_length=0 for no queue'}

    def pooled_features(self, crops: List[torch.Tensor]) -> torch.Tensor:
        """Crops (N x C x H_i x W_i) -> pooled backbone features (num_crops * N) x F, crop-major."""
        return torch.cat(forward_by_size(self._pooled, crops))

    def _pooled(self, images: torch.Tensor) -> torch.Tensor:
        return self.backbone.pool(self.backbone(images))

    def loss(self, inputs: List[torch.Tensor],
             data_samples: Optional[dict] = None) -> Dict[str, torch.Tensor]:
        """Crops, N x C x H_i x W_i each (large ones first) -> ``{'loss': swapped prediction}``."""
        if len(inputs) < 2:
            raise ValueError(f'SwAV needs at least 2 crops, got {len(inputs)}')
        z = self.neck((self.pooled_features(inputs),))[0]  # (num_crops * N) x D
        return self.head(list(z.chunk(len(inputs))))
