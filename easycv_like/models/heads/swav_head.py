"""``SwAVHead``: prototypes, online codes and the swapped prediction loss of SwAV (Caron et al.
2020, https://arxiv.org/abs/2006.09882), with the optional feature queue."""
from collections.abc import Sequence
from typing import Dict, List, Optional

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import nn

from easycv_like.errors import ConfigError
from easycv_like.registry import MODELS

from ..feature_queue import FeatureQueue, store_legacy_queue
from ..losses.sinkhorn_knopp import sinkhorn_knopp
from ..losses.swav_loss import swav_loss


@MODELS.register_module()
class SwAVHead(BaseModule):
    """Score every crop's embedding against K prototypes and predict the codes of the
    assignment crops from the other crops.

    Per step: the prototype weights are renormalised to unit rows (in place, as in the paper's
    code: gradients are taken at the normalised weights), embeddings are L2-normalised, scores
    are cosine similarities ``z @ C^T``, the codes of the ``crops_for_assign`` crops come from
    :func:`sinkhorn_knopp` over the global batch, and the loss is :func:`swav_loss`.

    Queue (small batches, the paper's 3840 features for batch 256): with ``queue_length > 0``
    this head keeps, per assignment crop, a ``FeatureQueue`` of the last ``queue_length``
    embeddings of this process (``queues``; buffers, so checkpoints keep them). While
    ``use_queue`` is True (set by ``SwAVQueueHook`` from its start epoch on) new embeddings
    are pushed in, and the stored ones join the batch in Sinkhorn (their scores only shape the
    batch's codes; no loss on them).
    ``SwAVPrototypeFreezeHook`` zeroes the prototypes' gradients early in training.

    Args:
        feat_dim: embedding width. Default 128.
        num_prototypes: number of prototypes K. Default 3000.
        epsilon: Sinkhorn entropy regularisation. Default 0.05.
        sinkhorn_iterations: Sinkhorn normalisation rounds. Default 3.
        temperature: softmax temperature of the predictions. Default 0.1.
        crops_for_assign: crops whose codes are targets. Default (0, 1) (the two 224 crops).
        num_crops: crops per resolution, only checked against the input. Default (2, 6).
        queue_length: stored embeddings per assignment crop and process (0: no queue).
            Default 0.
        init_cfg: mmengine init config. Default None.
    """

    def __init__(self, feat_dim: int = 128, num_prototypes: int = 3000, epsilon: float = 0.05,
                 sinkhorn_iterations: int = 3, temperature: float = 0.1,
                 crops_for_assign: Sequence[int] = (0, 1), num_crops: Sequence[int] = (2, 6),
                 queue_length: int = 0, init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if not set(crops_for_assign) <= set(range(sum(num_crops))):
            raise ConfigError(f'crops_for_assign {tuple(crops_for_assign)} must index the '
                             f'{sum(num_crops)} crops of num_crops={tuple(num_crops)}')
        self.prototypes = nn.Linear(feat_dim, num_prototypes, bias=False)
        self.epsilon = epsilon
        self.sinkhorn_iterations = sinkhorn_iterations
        self.temperature = temperature
        self.crops_for_assign = tuple(crops_for_assign)
        self.num_crops = tuple(num_crops)
        self.queue_length = queue_length
        self.use_queue = False
        self.queues = nn.ModuleList(
            FeatureQueue(queue_length, feat_dim, gather=False, random_init=False)
            for _ in self.crops_for_assign) if queue_length > 0 else None
        self.register_load_state_dict_pre_hook(self._load_legacy_queue)

    def _load_legacy_queue(self, module: nn.Module, state_dict: dict, prefix: str, *args) -> None:
        """Load-time pre-hook: the older A x L x D newest-first ``queue`` + ``queue_count``."""
        old = state_dict.pop(prefix + 'queue', None)
        count = int(state_dict.pop(prefix + 'queue_count', 0))
        if not isinstance(old, torch.Tensor):
            return
        for i, rows in enumerate(old):  # rows: L x D, newest first
            features = torch.zeros_like(rows)
            features[:count] = rows[:count].flip(0)  # oldest first
            store_legacy_queue(state_dict, f'{prefix}queues.{i}', features,
                               count % len(rows), count)

    @torch.no_grad()
    def normalize_prototypes(self) -> None:
        """Project every prototype back onto the unit sphere."""
        self.prototypes.weight.copy_(F.normalize(self.prototypes.weight, dim=1))

    @torch.no_grad()
    def codes(self, scores: List[torch.Tensor]) -> List[torch.Tensor]:
        """Sinkhorn codes N x K of the assignment crops (queue rows prepended when in use)."""
        codes = []
        for i, crop in enumerate(self.crops_for_assign):
            crop_scores = scores[crop].detach()  # N x K
            stored = self.queues[i].filled() if self.use_queue and self.queues else None
            if stored is not None and len(stored):  # M x D
                crop_scores = torch.cat([self.prototypes(stored.to(crop_scores.dtype)),
                                         crop_scores])  # (M + N) x K
            q = sinkhorn_knopp(crop_scores, self.epsilon, self.sinkhorn_iterations)
            codes.append(q[-len(scores[crop]):])  # N x K: this batch's rows
        return codes

    def forward(self, embeddings: Sequence[torch.Tensor]) -> Dict[str, torch.Tensor]:
        """embeddings: one N x D projection per crop, in crop order -> ``{'loss': scalar}``."""
        if len(embeddings) != sum(self.num_crops):
            raise ValueError(f'SwAVHead expects {sum(self.num_crops)} crops '
                             f'(num_crops={self.num_crops}), got {len(embeddings)}')
        self.normalize_prototypes()
        embeddings = [F.normalize(z, dim=1) for z in embeddings]
        scores = [self.prototypes(z) for z in embeddings]  # N x K each
        codes = self.codes(scores)
        if self.use_queue and self.queues:
            for queue, crop in zip(self.queues, self.crops_for_assign):
                queue.enqueue(embeddings[crop].detach())
        return dict(loss=swav_loss(scores, codes, self.crops_for_assign, self.temperature))
