"""MoBY: MoCo v2 + BYOL for transformers (Xie et al., "Self-Supervised Learning with Swin
Transformers", https://arxiv.org/abs/2105.04553)."""
from typing import Dict, List, Optional

import torch
import torch.nn.functional as F
from torch import nn

from ...registry import MODELS
from ..feature_queue import FeatureQueue, store_legacy_queue
from .base import BaseSelfSupervisor


@MODELS.register_module()
class MoBY(BaseSelfSupervisor):
    """An online encoder + projector + predictor contrasts each view's prediction with the
    momentum target's projection of the other view, against a queue of past target keys.

    Two queues (``FeatureQueue``), one per view: the keys of view 1 go to ``queue1`` and are the
    negatives of the prediction of view 2, and the other way round (asymmetric, as in the paper's
    code). The predictor and the loss (the sum of the two InfoNCE terms) are the head
    (``MoBYHead``). The target (``momentum_backbone`` +
    ``momentum_neck``, no stochastic depth) is an EMA of the online ones, updated by
    ``MomentumUpdateHook`` from ``momentum`` (cosine to ``momentum_end=1.0`` in the paper).

    Args:
        backbone: backbone config (``VisionTransformer`` with ``output='cls'``, or any backbone
            whose last feature the projector accepts).
        neck: projector config (``MLPNeck``), output ``feat_dim`` wide.
        head: ``MoBYHead`` config (the predictor, ``MLPNeck`` from ``feat_dim`` to
            ``feat_dim``, and the InfoNCE temperature, 0.2 in the paper).
        queue_len: keys per queue. Default 4096.
        feat_dim: width of the projections. Default 256.
        momentum: base EMA momentum of the target. Default 0.99.
        momentum_end: momentum at the end of a cosine schedule. Default None (constant).
        data_preprocessor: see ``BaseSelfSupervisor``.
        init_cfg: mmengine init config.
    """

    def __init__(self, backbone: dict, neck: dict, head: dict, queue_len: int = 4096,
                 feat_dim: int = 256, momentum: float = 0.99,
                 momentum_end: Optional[float] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(backbone, neck=neck, head=head, data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.set_momentum_schedule(momentum, momentum_end)
        self.add_momentum_copy('backbone', backbone)
        self.add_momentum_copy('neck', neck)
        self.queue_len = queue_len
        self.queue1 = FeatureQueue(queue_len, feat_dim)
        self.queue2 = FeatureQueue(queue_len, feat_dim)
        self.register_load_state_dict_pre_hook(self._load_legacy_queues)

    def _load_legacy_queues(self, module: nn.Module, state_dict: dict, prefix: str, *args) -> None:
        """Load-time pre-hook for older checkpoints: ``predictor.*`` -> ``head.predictor.*``;
        ``queue1``/``queue2`` (L x D) + ``queue_ptr`` -> the queues."""
        for key in [k for k in state_dict if k.startswith(prefix + 'predictor.')]:
            state_dict[prefix + 'head.' + key[len(prefix):]] = state_dict.pop(key)
        if not isinstance(state_dict.get(prefix + 'queue1'), torch.Tensor):
            return
        ptr = int(state_dict.pop(prefix + 'queue_ptr', torch.zeros(1)))
        for name in ('queue1', 'queue2'):
            old = state_dict.pop(prefix + name)
            store_legacy_queue(state_dict, prefix + name, old, ptr, len(old))

    def loss(self, inputs: List[torch.Tensor],
             data_samples: Optional[dict] = None) -> Dict[str, torch.Tensor]:
        if len(inputs) != 2:
            raise ValueError(f'MoBY needs 2 views, got {len(inputs)}')
        projections = [self.neck(self.backbone(x))[0] for x in inputs]
        with torch.no_grad():
            keys = [F.normalize(self.momentum_neck(self.momentum_backbone(x))[0], dim=1)
                    for x in inputs]
        # copies: the queues change in place after the loss, before its backward
        losses = self.head(projections, keys,
                           [self.queue1.features.clone(), self.queue2.features.clone()])
        self.queue1.enqueue(keys[0])
        self.queue2.enqueue(keys[1])
        return losses
