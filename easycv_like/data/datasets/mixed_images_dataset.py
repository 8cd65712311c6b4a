"""``MixedImagesDataset``: a detection dataset whose samples are mosaics / mix-ups of several
images (YOLOX), with mixing switched off for the last epochs."""
from collections.abc import Callable, Sequence
from typing import Any, Optional, Union

import numpy as np
from mmengine.dataset import Compose

from easycv_like.data.datasets.det_dataset import DetDataset
from easycv_like.data.datasets.image_mixing import MixUp, Mosaic
from easycv_like.registry import DATASETS, TRANSFORMS

Pipeline = Sequence[Union[dict, Callable]]


def _compose(pipeline: Pipeline) -> Compose:
    return Compose([TRANSFORMS.build(t) if isinstance(t, dict) else t for t in pipeline])


@DATASETS.register_module()
class MixedImagesDataset(DetDataset):
    """Sample ``i``: load it and its partners (``load_pipeline`` only: no augmentation), mix them
    (``Mosaic``, then ``mosaic_pipeline`` on the mosaic, then ``MixUp``), then run ``pipeline``.

    Partners and every random choice come from the sample's generator (seed, epoch, index), so
    an item is the same whichever worker reads it and after a resume. Mixing is on while
    ``epoch < max_epochs - no_mix_epochs``; ``set_epoch`` decides it, so a run resumed after
    that point stays unmixed.

    Args:
        data_source: a DATA_SOURCES config (Coco, VocXml...).
        pipeline: TRANSFORMS run after mixing (``RandomAffine``, ``RandomHSV``, ...,
            ``PackDetInputs``).
        mosaic: ``Mosaic`` arguments (``img_scale``, ``prob``, ``pad_value``), or None.
        mixup: ``MixUp`` arguments (``img_scale``, ``ratio_range``, ``flip_prob``, ``prob``,
            ``pad_value``), or None.
        mosaic_pipeline: TRANSFORMS run on a mosaic only, typically
            ``[dict(type='RandomAffine', border=(-h // 2, -w // 2))]`` back to h x w (YOLOX).
        max_epochs: the training length in epochs; None never switches mixing off.
        no_mix_epochs: the number of last epochs trained without mixing (YOLOX: 15).
        load_pipeline: transforms that load one sample; default ``[dict(type='LoadImage')]``.
        seed: seed of the augmentation randomness.
        max_bad_samples: how many distinct bad files may be skipped (see ``BaseDataset``).
    """

    def __init__(self, data_source: Union[dict, Any], pipeline: Pipeline,
                 mosaic: Optional[dict] = None, mixup: Optional[dict] = None,
                 mosaic_pipeline: Pipeline = (), max_epochs: Optional[int] = None,
                 no_mix_epochs: int = 0,
                 load_pipeline: Optional[Pipeline] = None, seed: int = 0,
                 max_bad_samples: int = 0) -> None:
        super().__init__(data_source, pipeline, seed=seed, max_bad_samples=max_bad_samples)
        if no_mix_epochs and max_epochs is None:
            raise ValueError('MixedImagesDataset: no_mix_epochs needs max_epochs.')
        self.load_pipeline = _compose(load_pipeline or [dict(type='LoadImage')])
        self.mosaic_pipeline = _compose(mosaic_pipeline)
        self.mosaic = Mosaic(**mosaic) if mosaic is not None else None
        self.mixup = MixUp(**mixup) if mixup is not None else None
        self.max_epochs, self.no_mix_epochs = max_epochs, int(no_mix_epochs)
        self.mixing = True
        self.set_epoch(0)

    def set_epoch(self, epoch: int) -> None:
        """Select the epoch; mixing is off from epoch ``max_epochs - no_mix_epochs`` on."""
        super().set_epoch(epoch)
        self.mixing = self.max_epochs is None or self.epoch < self.max_epochs - self.no_mix_epochs

    def load(self, index: int, rng: np.random.Generator) -> dict:
        """Sample ``index`` through ``load_pipeline`` only."""
        results = dict(self.data_source[index])
        results['sample_idx'] = index
        results['rng'] = rng
        return self.load_pipeline(results)

    def partners(self, count: int, rng: np.random.Generator) -> list:
        """``count`` partner indices drawn from ``rng``."""
        return [int(i) for i in rng.integers(0, len(self), count)]

    def prepare(self, index: int) -> dict:
        rng = self.sample_rng(index)
        loaded = _LoadedOnce(self, rng)
        results = loaded(index)
        if self.mixing and self.mosaic is not None and rng.random() < self.mosaic.prob:
            results = self.mosaic(results, [loaded(i) for i in self.partners(3, rng)], rng)
            results['rng'] = rng
            results = self.mosaic_pipeline(results)
        if self.mixing and self.mixup is not None and rng.random() < self.mixup.prob:
            results = self.mixup(results, loaded(self.partners(1, rng)[0]), rng)
        results['rng'] = rng
        item = self.pipeline(results)
        item.pop('rng', None)
        return item


class _LoadedOnce:
    """Loads for one sample: an index drawn twice (a partner repeated, or the sample itself) is
    decoded once and handed out as a copy, since mixing resizes and crops its inputs in place."""

    def __init__(self, dataset: MixedImagesDataset, rng: np.random.Generator) -> None:
        self.dataset, self.rng, self.cache = dataset, rng, {}

    def __call__(self, index: int) -> dict:
        if index not in self.cache:
            self.cache[index] = self.dataset.load(index, self.rng)
        return {key: value.copy() if isinstance(value, np.ndarray) else value
                for key, value in self.cache[index].items()}
