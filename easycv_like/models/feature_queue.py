"""``FeatureQueue``: the one queue of past features used by MoCo (negative keys), MoBY (one queue
per view) and ``SwAVHead`` (embeddings joining the Sinkhorn assignment)."""
import torch
import torch.nn.functional as F
from mmengine.dist import all_gather
from torch import nn

from easycv_like.errors import ConfigError


class FeatureQueue(nn.Module):
    """A ring buffer of the last ``length`` feature rows, ``features`` L x D (one row a feature).

    :meth:`enqueue` writes a batch over the oldest rows, starting at the pointer ``ptr``, and
    moves the pointer on (wrapping round); ``count`` is how many rows hold real features. The
    features, pointer and count are buffers, so checkpoints and resumes keep them. With
    ``gather=True`` the batch of every rank is enqueued (all_gather, rank order), so all ranks
    hold the same queue and the pointer moves by the global batch (MoCo, MoBY); with
    ``gather=False`` each process keeps its own features (SwAV's per-GPU queue).

    Args:
        length: rows L.
        dim: feature width D.
        gather: enqueue the features of all ranks. Default True.
        random_init: start full of random unit-norm rows (negatives before any key exists,
            as MoCo); otherwise start empty (zeros, ``count`` 0). Default True.
    """

    def __init__(self, length: int, dim: int, gather: bool = True,
                 random_init: bool = True) -> None:
        super().__init__()
        if length <= 0 or dim <= 0:
            raise ConfigError(f'FeatureQueue needs length > 0 and dim > 0, got {length}, {dim}')
        self.length = length
        self.gather = gather
        if random_init:  # drawn D x L: the same random stream as MoCo's original layout
            features = F.normalize(torch.randn(dim, length), dim=0).T.contiguous()
        else:
            features = torch.zeros(length, dim)
        self.register_buffer('features', features)  # L x D
        self.register_buffer('ptr', torch.zeros(1, dtype=torch.long))
        self.register_buffer('count', torch.full((1,), length if random_init else 0,
                                                 dtype=torch.long))

    def filled(self) -> torch.Tensor:
        """The rows that hold features (M x D, M = ``count``; all L once full)."""
        return self.features[:int(self.count)] if int(self.count) < self.length else self.features

    @torch.no_grad()
    def enqueue(self, feats: torch.Tensor) -> None:
        """Write ``feats`` (N x D; of every rank with ``gather``) over the oldest rows."""
        if self.gather:
            feats = torch.cat(all_gather(feats.contiguous()))
        feats = feats[-self.length:]  # a batch longer than the queue keeps its newest rows
        ptr = int(self.ptr)
        index = (ptr + torch.arange(len(feats), device=self.features.device)) % self.length
        self.features[index] = feats.to(self.features.dtype)
        self.ptr[0] = (ptr + len(feats)) % self.length
        self.count[0] = min(int(self.count) + len(feats), self.length)


def store_legacy_queue(state_dict: dict, key: str, features: torch.Tensor, ptr: int,
                       count: int) -> None:
    """Put a queue read from an older checkpoint layout into ``state_dict`` as the buffers of a
    ``FeatureQueue`` at ``key`` (``features`` L x D oldest row first at ``ptr``)."""
    state_dict[f'{key}.features'] = features
    state_dict[f'{key}.ptr'] = torch.tensor([ptr], dtype=torch.long)
    state_dict[f'{key}.count'] = torch.tensor([count], dtype=torch.long)
