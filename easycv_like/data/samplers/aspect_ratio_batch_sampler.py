"""``AspectRatioBatchSampler``: batches of images of similar shape (the torchvision detection
recipe), so ``pad_collate`` pads little; resumable by whole batches."""
import math
from collections.abc import Sequence
from typing import Iterator

import numpy as np
from torch.utils.data import Sampler

from ...registry import DATA_SAMPLERS


@DATA_SAMPLERS.register_module()
class AspectRatioBatchSampler(Sampler):
    """Group the indices of ``sampler`` by aspect-ratio bin and batch within each group.

    Indices are taken in the sampler's (seed, epoch) order; a batch is emitted as soon as its
    group holds ``batch_size`` indices. The leftovers at the end of the epoch are batched
    together, group after group (these last batches may mix groups), so an epoch has exactly
    ``ceil(n / batch_size)`` batches (``floor`` with ``drop_last``), as a plain batch sampler.
    The batch order is a function of (seed, epoch): ``skip(k)`` starts the next pass at batch
    ``k``, which is how a resumed run continues mid-epoch.

    Args:
        sampler: the index sampler (``EpochIndexSampler``); its ``dataset`` must answer
            ``aspect_ratio(index)`` (width / height, e.g. ``DetDataset``).
        batch_size: images per batch.
        drop_last: drop the last incomplete batch.
        ratio_bounds: bin edges of width / height; the default ``(1.0,)`` makes two groups,
            portrait and landscape.
    """

    def __init__(self, sampler: Sampler, batch_size: int, drop_last: bool = False,
                 ratio_bounds: Sequence[float] = (1.0,)) -> None:
        if int(batch_size) < 1:
            raise ValueError(f'batch_size must be >= 1, got {batch_size}.')
        dataset = getattr(sampler, 'dataset', None)
        if not hasattr(dataset, 'aspect_ratio'):
            raise TypeError(f'AspectRatioBatchSampler needs a dataset with aspect_ratio(index) '
                            f'(e.g. DetDataset); got {type(dataset).__name__}.')
        self.sampler = sampler
        self.batch_size = int(batch_size)
        self.drop_last = bool(drop_last)
        ratios = np.array([dataset.aspect_ratio(i) for i in range(len(dataset))])
        self.groups = np.searchsorted(np.sort(np.asarray(ratio_bounds, float)), ratios)
        self._skip = 0

    def epoch_batches(self) -> list:
        """Every batch of the current epoch, in order."""
        order = (self.sampler.epoch_indices() if hasattr(self.sampler, 'epoch_indices')
                 else list(self.sampler))
        buffers: dict = {}
        batches = []
        for index in order:
            buffer = buffers.setdefault(int(self.groups[index]), [])
            buffer.append(int(index))
            if len(buffer) == self.batch_size:
                batches.append(buffer[:])
                buffer.clear()
        rest = [index for group in sorted(buffers) for index in buffers[group]]
        for start in range(0, len(rest), self.batch_size):
            if len(rest) - start == self.batch_size or not self.drop_last:
                batches.append(rest[start:start + self.batch_size])
        return batches

    def __iter__(self) -> Iterator[list]:
        start, self._skip = self._skip, 0
        return iter(self.epoch_batches()[start:])

    def __len__(self) -> int:
        count = len(self.sampler)
        return count // self.batch_size if self.drop_last else math.ceil(count / self.batch_size)

    def set_epoch(self, epoch: int) -> None:
        """Select the epoch of the underlying sampler (and dataset)."""
        if hasattr(self.sampler, 'set_epoch'):
            self.sampler.set_epoch(epoch)

    def skip(self, num_batches: int) -> None:
        """Start the next pass at batch ``num_batches`` of this epoch."""
        self._skip = int(num_batches)
