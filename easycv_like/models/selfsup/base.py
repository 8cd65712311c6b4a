"""``BaseSelfSupervisor``: the one place that routes forward modes for self-supervised algorithms.

Subclasses build what they own (a momentum encoder, a queue, prototypes) and implement ``loss``.
They never override ``forward`` or ``train_step``.
"""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from torch import nn

from ...registry import MODELS
from ..classification import build_data_preprocessor
from ..loss_terms import NonFiniteTermsMixin
from .momentum_encoders import MomentumEncodersMixin
from .scheduled_values import ScheduledValuesMixin

Views = Union[torch.Tensor, Sequence[torch.Tensor]]


class BaseSelfSupervisor(NonFiniteTermsMixin, MomentumEncodersMixin, ScheduledValuesMixin,
                         BaseModel):
    """Backbone (+ neck, + head) pre-trained without labels.

    Modes: ``'loss'`` -> :meth:`loss` (dict of scalar losses), ``'tensor'`` -> backbone features
    of the first view (tuple of maps), ``'predict'`` -> one dict per sample with ``feature``
    (L2-normalised, globally pooled last backbone map, CPU float) and ``gt_label`` (-1 if
    unknown), read by ``KNNEvaluator`` and feature extraction.

    Momentum/EMA encoders are declared, not coded per method: a subclass calls
    ``set_momentum_schedule`` and ``add_momentum_copy('backbone', cfg)`` (``MomentumEncodersMixin``:
    the copy is ``momentum_backbone``), ``init_weights`` restarts every copy from its online
    module, and ``MomentumUpdateHook`` (added by the engine) updates them after every real
    optimizer step (so gradient accumulation stays right). Values that other hooks schedule
    are declared by name (``ScheduledValuesMixin.scheduled_values``).

    Args:
        backbone: backbone config (returns a tuple of feature maps).
        neck: projection neck config, or None.
        head: loss head config, or None.
        data_preprocessor: config/module; default ``ClsDataPreprocessor`` (normalises every view).
        init_cfg: mmengine init config.
    """

    def __init__(self, backbone: dict, neck: Optional[dict] = None, head: Optional[dict] = None,
                 data_preprocessor: Union[dict, nn.Module, None] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(data_preprocessor=build_data_preprocessor(data_preprocessor),
                         init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.neck = MODELS.build(neck) if neck is not None else None
        self.head = MODELS.build(head) if head is not None else None
        self.register_load_state_dict_pre_hook(self._rename_legacy_momentum_keys)

    def init_weights(self) -> None:
        """Initialise the online modules, then start every momentum copy from them."""
        super().init_weights()
        self.sync_momentum_copies()

    def extract_feat(self, inputs: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        """Backbone feature maps of one batch of normalised images."""
        return self.backbone(inputs)

    def loss(self, inputs: List[torch.Tensor],
             data_samples: Optional[dict]) -> Dict[str, torch.Tensor]:
        """Views (each N x C x H x W, normalised) -> dict of scalar losses."""
        raise NotImplementedError

    @torch.no_grad()
    def predict(self, inputs: Views, data_samples: Optional[dict] = None) -> List[dict]:
        images = inputs[0] if isinstance(inputs, (list, tuple)) else inputs
        feat = self.backbone.pool(self.extract_feat(images))  # N x C
        feat = F.normalize(feat.float(), dim=1).cpu()
        labels = (data_samples or {}).get('gt_label')
        labels = [-1] * len(feat) if labels is None else torch.as_tensor(labels).view(-1).tolist()
        return [dict(feature=f, gt_label=int(y)) for f, y in zip(feat, labels)]

    def forward(self, inputs: Views, data_samples: Optional[dict] = None, mode: str = 'tensor'):
        if mode == 'loss':
            views = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
            return self.loss(views, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            images = inputs[0] if isinstance(inputs, (list, tuple)) else inputs
            return self.extract_feat(images)
        raise ValueError(f"mode must be 'loss', 'predict' or 'tensor', got {mode!r}")
