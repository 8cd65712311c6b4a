"""MoCo: momentum contrast (He et al. 2020, https://arxiv.org/abs/1911.05722) and its v2 recipe
(Chen et al. 2020, https://arxiv.org/abs/2003.04297)."""
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn.functional as F
from mmengine.dist import all_gather, broadcast, get_rank, get_world_size
from torch import nn

from ...errors import ConfigError
from ...registry import MODELS
from ..feature_queue import FeatureQueue, store_legacy_queue
from .base import BaseSelfSupervisor


@MODELS.register_module()
class MoCo(BaseSelfSupervisor):
    """A query encoder learns to pick its key among a queue of negatives (InfoNCE).

    The key encoder is a frozen copy of backbone + neck, moved towards the query encoder by
    ``MomentumUpdateHook`` (``momentum`` has the paper's meaning: 0.999 keeps 99.9% of the key
    encoder; the key encoder is ``momentum_backbone`` + ``momentum_neck``). The queue (a
    ``FeatureQueue`` of ``queue_len`` keys, one row each) is in the state dict, so checkpoints
    and resumes keep it (older checkpoints with a ``feat_dim x queue_len`` ``queue`` and
    ``queue_ptr`` are converted while they load). Distributed: keys of all ranks are gathered
    into the queue (the pointer advances by the global batch), and with
    ``shuffle_bn=True`` the key batch is shuffled across ranks so that BN statistics cannot leak
    which samples match (the paper's "shuffling BN"); a ``norm_cfg=dict(type='SyncBN')`` backbone
    is the alternative. ``queue_len`` must be a multiple of the global batch, and the last
    batch of an epoch full (``data.drop_last=True``): ``check_global_batch``, which the engine
    runs when it builds the run, before any data is read.

    Args:
        backbone: backbone config.
        neck: projection neck config (``MLPNeck(2048, 2048, 128, with_bn=False,
            with_bias=True)`` for v2).
        head: ``ContrastiveHead`` config.
        queue_len: number of negative keys K. Default 65536.
        feat_dim: dimension of the projected keys. Default 128.
        momentum: key-encoder momentum. Default 0.999.
        momentum_end: with a value, the momentum rises from ``momentum`` to it along a cosine
            over training (``MomentumEncodersMixin.momentum_at``). Default None (constant).
        shuffle_bn: shuffle the key batch across ranks (world size > 1). Default True.
        data_preprocessor: see ``BaseSelfSupervisor``.
        init_cfg: mmengine init config.
    """

    def __init__(self, backbone: dict, neck: dict, head: dict, queue_len: int = 65536,
                 feat_dim: int = 128, momentum: float = 0.999,
                 momentum_end: Optional[float] = None, shuffle_bn: bool = True,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(backbone, neck=neck, head=head, data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.set_momentum_schedule(momentum, momentum_end)
        self.add_momentum_copy('backbone')
        self.add_momentum_copy('neck')
        self.queue_len = queue_len
        self.shuffle_bn = shuffle_bn
        self.queue = FeatureQueue(queue_len, feat_dim)
        self.register_load_state_dict_pre_hook(self._load_legacy_queue)

    def _load_legacy_queue(self, module: nn.Module, state_dict: dict, prefix: str, *args) -> None:
        """Load-time pre-hook: a D x L ``queue`` tensor and ``queue_ptr`` -> the queue's buffers."""
        old = state_dict.get(prefix + 'queue')
        if isinstance(old, torch.Tensor):
            del state_dict[prefix + 'queue']
            ptr = int(state_dict.pop(prefix + 'queue_ptr', torch.zeros(1)))
            store_legacy_queue(state_dict, prefix + 'queue', old.T.contiguous(), ptr, old.shape[1])

    @torch.no_grad()
    def _batch_shuffle(self, images: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """This rank's share of a random permutation of the global batch, and its inverse."""
        gathered = torch.cat(all_gather(images))  # (W * N) x C x H x W
        order = torch.randperm(len(gathered), device=images.device)
        broadcast(order, src=0)
        mine = order.view(get_world_size(), -1)[get_rank()]
        return gathered[mine], torch.argsort(order)

    @torch.no_grad()
    def _batch_unshuffle(self, keys: torch.Tensor, inverse: torch.Tensor) -> torch.Tensor:
        gathered = torch.cat(all_gather(keys))  # (W * N) x D
        return gathered[inverse.view(get_world_size(), -1)[get_rank()]]

    @torch.no_grad()
    def encode_keys(self, images: torch.Tensor) -> torch.Tensor:
        """Normalised keys N x D of the key encoder (train-mode BN, shuffled across ranks)."""
        shuffle = self.shuffle_bn and get_world_size() > 1
        if shuffle:
            images, inverse = self._batch_shuffle(images)
        keys = F.normalize(self.momentum_neck(self.momentum_backbone(images))[0], dim=1)
        return self._batch_unshuffle(keys, inverse) if shuffle else keys

    def check_global_batch(self, batch: int, drop_last: bool = True) -> None:
        """Raise ``ConfigError`` naming ``model.queue_len`` and ``data.imgs_per_gpu`` unless
        ``queue_len`` is a multiple of the global ``batch`` (``imgs_per_gpu`` x world size), or
        naming ``data.drop_last`` when a short last batch of an epoch could break that."""
        if self.queue_len % batch:
            raise ConfigError(
                f'model.queue_len={self.queue_len} is not a multiple of the global batch {batch} '
                '(data.imgs_per_gpu x world size): choose a queue length divisible by it, or '
                'another data.imgs_per_gpu.')
        if not drop_last:
            raise ConfigError(
                'MoCo fills its queue with whole global batches: set data.drop_last=True so '
                'that the last batch of an epoch is full.')

    @torch.no_grad()
    def enqueue(self, keys: torch.Tensor) -> None:
        """Write the keys of every rank (N x D each) over the oldest ones."""
        self.check_global_batch(len(keys) * get_world_size())
        self.queue.enqueue(keys)

    def loss(self, inputs: List[torch.Tensor],
             data_samples: Optional[dict] = None) -> Dict[str, torch.Tensor]:
        """Two views N x C x H x W: queries from the first, keys from the second."""
        if len(inputs) != 2:
            raise ValueError(f'MoCo needs exactly 2 views, got {len(inputs)}')
        query = F.normalize(self.neck(self.backbone(inputs[0]))[0], dim=1)  # N x D
        keys = self.encode_keys(inputs[1])  # N x D
        pos = (query * keys).sum(dim=1, keepdim=True)  # N x 1
        neg = query @ self.queue.features.clone().T.to(query.dtype)  # N x K
        losses = self.head(pos, neg)
        self.enqueue(keys)
        return losses
