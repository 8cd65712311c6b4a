"""MoBY: MoCo v2 + BYOL for transformers (Xie et al., "Self-Supervised Learning with Swin
Transformers", https://arxiv.org/abs/2105.04553)."""
from typing import Dict, List, Optional

import torch
import torch.nn.functional as F
from torch import nn

from ...registry import MODELS
from ..feature_queue import FeatureQueue, store_legacy_queue
from ..losses.info_nce import info_nce
from .base import BaseSelfSupervisor


@MODELS.register_module()
class MoBY(BaseSelfSupervisor):
    """An online encoder + projector + predictor contrasts each view's prediction with the
    momentum target's projection of the other view, against a queue of past target keys.

    Two queues (``FeatureQueue``), one per view: the keys of view 1 go to ``queue1`` and are the
    negatives of the prediction of view 2, and the other way round (asymmetric, as in the paper's
    code). The
    loss is the sum of the two InfoNCE terms. The target (``momentum_backbone`` +
    ``momentum_neck``, no stochastic depth) is an EMA of the online ones, updated by
    ``MomentumUpdateHook`` from ``momentum`` (cosine to ``momentum_end=1.0`` in the paper).

    Args:
        backbone: backbone config (``VisionTransformer`` with ``output='cls'``, or any backbone
            whose last feature the projector accepts).
        neck: projector config (``MLPNeck``), output ``feat_dim`` wide.
        predictor: predictor config (``MLPNeck`` from ``feat_dim`` to ``feat_dim``).
        queue_len: keys per queue. Default 4096.
        feat_dim: width of the projections. Default 256.
        momentum: base EMA momentum of the target. Default 0.99.
        momentum_end: momentum at the end of a cosine schedule. Default None (constant).
        temperature: InfoNCE temperature. Default 0.2.
        data_preprocessor: see ``BaseSelfSupervisor``.
        init_cfg: mmengine init config.
    """

    def __init__(self, backbone: dict, neck: dict, predictor: dict, queue_len: int = 4096,
                 feat_dim: int = 256, momentum: float = 0.99,
                 momentum_end: Optional[float] = None, temperature: float = 0.2,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(backbone, neck=neck, data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.predictor = MODELS.build(predictor)
        self.set_momentum_schedule(momentum, momentum_end)
        self.add_momentum_copy('backbone', backbone)
        self.add_momentum_copy('neck', neck)
        self.temperature = temperature
        self.queue_len = queue_len
        self.queue1 = FeatureQueue(queue_len, feat_dim)
        self.queue2 = FeatureQueue(queue_len, feat_dim)
        self.register_load_state_dict_pre_hook(self._load_legacy_queues)

    def _load_legacy_queues(self, module: nn.Module, state_dict: dict, prefix: str, *args) -> None:
        """Load-time pre-hook: old ``queue1``/``queue2`` (L x D) + ``queue_ptr`` -> the queues."""
        if not isinstance(state_dict.get(prefix + 'queue1'), torch.Tensor):
            return
        ptr = int(state_dict.pop(prefix + 'queue_ptr', torch.zeros(1)))
        for name in ('queue1', 'queue2'):
            old = state_dict.pop(prefix + name)
            store_legacy_queue(state_dict, prefix + name, old, ptr, len(old))

    def _contrast(self, pred: torch.Tensor, key: torch.Tensor,
                  queue: FeatureQueue) -> torch.Tensor:
        """InfoNCE of predictions N x C against their keys N x C and the queue K x C."""
        pred = F.normalize(pred, dim=1)
        pos = (pred * key).sum(dim=1, keepdim=True)  # N x 1
        neg = pred @ queue.features.clone().t()  # N x K; the queue changes in place later
        return info_nce(pos, neg, self.temperature)

    def loss(self, inputs: List[torch.Tensor],
             data_samples: Optional[dict] = None) -> Dict[str, torch.Tensor]:
        if len(inputs) != 2:
            raise ValueError(f'MoBY needs 2 views, got {len(inputs)}')
        pred1, pred2 = (self.predictor(self.neck(self.backbone(x)))[0] for x in inputs)
        with torch.no_grad():
            key1, key2 = (F.normalize(self.momentum_neck(self.momentum_backbone(x))[0], dim=1)
                          for x in inputs)
        loss = (self._contrast(pred1, key2, self.queue2)
                + self._contrast(pred2, key1, self.queue1))
        self.queue1.enqueue(key1)
        self.queue2.enqueue(key2)
        return dict(loss=loss)
