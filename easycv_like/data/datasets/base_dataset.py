"""``BaseDataset``: what every easycv_like dataset shares: a data source, a transform pipeline,
per-sample randomness from (seed, epoch, index), and the bad-sample policy.

Subclasses (``ClsDataset``, a multi-view SSL dataset) change at most how one sample is prepared.
"""
import logging
from collections.abc import Callable, Sequence
from typing import Any, Union

import numpy as np
from mmengine.dataset import Compose
from mmengine.logging import print_log
from torch.utils.data import Dataset

from easycv_like.data.errors import BadSampleError
from easycv_like.registry import DATA_SOURCES, TRANSFORMS


class BaseDataset(Dataset):
    """A data source run through a pipeline, deterministic per (seed, epoch, sample index).

    ``__getitem__(i)`` gives the pipeline ``dict(source[i])`` plus ``sample_idx=i`` and
    ``rng=np.random.default_rng([seed, epoch, i])``; random transforms draw only from that ``rng``,
    so an item does not depend on which process reads it or in which order.

    Bad samples (a ``BadSampleError``: unreadable, empty, truncated, not an image): with
    ``max_bad_samples=0`` the error propagates. With ``K > 0`` a bad sample is logged as a warning
    naming the file and replaced by the next index ``(i + 1) % len``, ``(i + 2) % len``, ... (each
    prepared with its own index's rng); once more than ``K`` distinct bad files were skipped, a
    ``BadSampleError`` lists them all.

    Note:
        The skipped-file count and the epoch live in each process: every DataLoader worker holds
        its own copy of the dataset, so the limit applies per worker, and ``set_epoch`` must be
        called before the workers start (with ``persistent_workers=True`` they keep the epoch
        they were created with).

    Args:
        data_source: a DATA_SOURCES config dict (or a built source).
        pipeline: TRANSFORMS config dicts (or callables), applied in order.
        seed: seed of the augmentation randomness.
        max_bad_samples: how many distinct bad files may be skipped (0: none, errors propagate).
    """

    def __init__(self, data_source: Union[dict, Any], pipeline: Sequence[Union[dict, Callable]],
                 seed: int = 0, max_bad_samples: int = 0) -> None:
        if isinstance(data_source, dict):
            data_source = DATA_SOURCES.build(data_source)
        self.data_source = data_source
        self.pipeline = Compose([TRANSFORMS.build(t) if isinstance(t, dict) else t
                                 for t in pipeline])
        if int(seed) < 0 or int(max_bad_samples) < 0:
            raise ValueError(f'seed and max_bad_samples must be >= 0, got {seed}, '
                             f'{max_bad_samples}.')
        self.seed = int(seed)
        self.epoch = 0
        self.max_bad_samples = int(max_bad_samples)
        self._bad_files: dict[str, str] = {}

    @property
    def metainfo(self) -> dict:
        """``{'classes': list of names or None}``, plain Python values."""
        classes = getattr(self.data_source, 'classes', None)
        return {'classes': None if classes is None else [str(name) for name in classes]}

    @property
    def bad_files(self) -> dict[str, str]:
        """The bad files skipped so far in this process: path -> reason."""
        return dict(self._bad_files)

    def __len__(self) -> int:
        return len(self.data_source)

    def set_epoch(self, epoch: int) -> None:
        """Select the epoch: every epoch draws new augmentations."""
        self.epoch = int(epoch)

    def sample_rng(self, index: int) -> np.random.Generator:
        """The random generator of sample ``index`` in the current epoch."""
        return np.random.default_rng([self.seed, self.epoch, index])

    def prepare(self, index: int) -> dict:
        """Run the pipeline on sample ``index`` with that sample's own random generator."""
        results = dict(self.data_source[index])
        results['sample_idx'] = index
        results['rng'] = self.sample_rng(index)
        item = self.pipeline(results)
        item.pop('rng', None)
        return item

    def __getitem__(self, index: int) -> dict:
        index = int(index) + (len(self) if int(index) < 0 else 0)
        if self.max_bad_samples == 0:
            return self.prepare(index)
        for step in range(len(self)):
            candidate = (index + step) % len(self)
            try:
                return self.prepare(candidate)
            except BadSampleError as err:
                self._skip(candidate, err)
        raise BadSampleError(f'Every one of the {len(self)} samples is bad.',
                             list(self._bad_files))

    def _skip(self, index: int, err: BadSampleError) -> None:
        key = ', '.join(err.paths) or f'sample {index}'
        self._bad_files[key] = str(err)
        if len(self._bad_files) > self.max_bad_samples:
            listing = '\n'.join(f'  {path}: {why}' for path, why in self._bad_files.items())
            raise BadSampleError(
                f'{len(self._bad_files)} bad files were skipped, more than max_bad_samples='
                f'{self.max_bad_samples}; fix or remove them:\n{listing}',
                list(self._bad_files)) from err
        print_log(f'Skipping bad sample {index} ({err}); using the next sample instead '
                  f'({len(self._bad_files)} of at most {self.max_bad_samples} bad files skipped).',
                  logger='current', level=logging.WARNING)
