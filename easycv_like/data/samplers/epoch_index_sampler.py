"""Distributed sampler whose order is a function of (seed, epoch) and that can start mid-epoch."""
import math
from typing import Iterator, Optional, Sized

import torch
from mmengine.dist import get_dist_info, sync_random_seed
from torch.utils.data import Sampler

from ...registry import DATA_SAMPLERS


@DATA_SAMPLERS.register_module()
class EpochIndexSampler(Sampler):
    """Shard one (seed, epoch)-determined permutation across ranks.

    ``set_epoch`` also tells the dataset the epoch (its augmentation randomness depends on it).
    ``skip(n)`` makes the next pass start at this rank's n-th index, so a resumed run goes
    straight to the first unseen sample instead of loading and dropping the consumed ones.

    Args:
        dataset: the dataset (only its length and ``set_epoch`` are used).
        shuffle: permute the indices each epoch.
        seed: permutation seed; None draws one and syncs it across ranks.
        round_up: pad with the first indices so every rank gets the same count.
    """

    def __init__(self, dataset: Sized, shuffle: bool = True, seed: Optional[int] = None,
                 round_up: bool = True) -> None:
        self.rank, self.world_size = get_dist_info()
        self.dataset = dataset
        self.shuffle = shuffle
        self.seed = sync_random_seed() if seed is None else seed
        self.round_up = round_up
        self.epoch = 0
        self._skip = 0
        n = len(dataset)
        if round_up:
            self.num_samples = math.ceil(n / self.world_size)
        else:
            self.num_samples = math.ceil((n - self.rank) / self.world_size)
        self.total_size = self.num_samples * self.world_size if round_up else n

    def epoch_indices(self) -> list:
        """This rank's full index order for the current epoch."""
        n = len(self.dataset)
        if self.shuffle:
            gen = torch.Generator().manual_seed(self.seed + self.epoch)
            order = torch.randperm(n, generator=gen).tolist()
        else:
            order = list(range(n))
        if self.round_up and self.total_size > n:
            order += (order * math.ceil(self.total_size / n))[:self.total_size - n]
        return order[self.rank:self.total_size:self.world_size]

    def __iter__(self) -> Iterator[int]:
        start, self._skip = self._skip, 0
        return iter(self.epoch_indices()[start:])

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch
        if hasattr(self.dataset, 'set_epoch'):
            self.dataset.set_epoch(epoch)

    def skip(self, num_indices: int) -> None:
        """Start the next pass at index ``num_indices`` of this rank's order."""
        self._skip = int(num_indices)
