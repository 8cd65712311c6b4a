"""``MultiViewDataset``: several augmented views of every image, for self-supervised learning.

Two views from one pipeline (MoCo v2, SimCLR, BYOL) or multi-crop from several pipelines
(SwAV/DINO: ``num_views=[2, 6]`` with 224 and 96 pipelines). The image is decoded once; each view
is augmented from a copy of it.
"""
from collections.abc import Callable, Sequence
from typing import Any, Optional, Union

from mmengine.dataset import Compose

from easycv_like.data.datasets.base_dataset import BaseDataset
from easycv_like.data.transforms.formatting import PackInputs
from easycv_like.registry import DATASETS, TRANSFORMS

Pipeline = Sequence[Union[dict, Callable]]


@DATASETS.register_module()
class MultiViewDataset(BaseDataset):
    """Item: ``{'inputs': [view 0, view 1, ...] (C x H x W uint8 each), 'data_samples': {...}}``.

    ``load_pipeline`` runs once per sample (decoding); then pipeline ``i`` makes ``num_views[i]``
    views, in order, each from the decoded image. Every view draws from the sample's generator
    ``rng(seed, epoch, index)`` in turn, so views differ from each other while the whole item is a
    function of (seed, epoch, index). View pipelines hold image transforms only: the views are
    packed once at the end (``PackInputs`` with a list of images), so they must not contain
    ``PackInputs`` themselves.

    Args:
        data_source: a DATA_SOURCES config dict (or a built source).
        num_views: views per pipeline, e.g. ``[2]`` or ``[2, 6]``; an int is allowed with a
            single pipeline.
        pipelines: one list of TRANSFORMS configs per entry of ``num_views``.
        seed: seed of the augmentation randomness. Default 0.
        max_bad_samples: how many distinct bad files may be skipped (see ``BaseDataset``).
            Default 0.
        load_pipeline: transforms run once per sample before the views. Default
            ``[dict(type='LoadImage')]``.
    """

    def __init__(self, data_source: Union[dict, Any], num_views: Union[int, Sequence[int]],
                 pipelines: Sequence[Pipeline], seed: int = 0, max_bad_samples: int = 0,
                 load_pipeline: Optional[Pipeline] = None) -> None:
        super().__init__(data_source, load_pipeline or [dict(type='LoadImage')], seed=seed,
                         max_bad_samples=max_bad_samples)
        num_views = [num_views] if isinstance(num_views, int) else [int(n) for n in num_views]
        if len(num_views) != len(pipelines) or min(num_views, default=0) < 1:
            raise ValueError(f'MultiViewDataset needs one positive view count per pipeline, got '
                             f'num_views={num_views} for {len(pipelines)} pipeline(s).')
        self.num_views = num_views
        self.view_pipelines = []
        for pipeline in pipelines:
            transforms = [TRANSFORMS.build(t) if isinstance(t, dict) else t for t in pipeline]
            if any(isinstance(t, PackInputs) for t in transforms):
                raise ValueError('MultiViewDataset packs all views itself: remove PackInputs '
                                 'from the view pipelines.')
            self.view_pipelines.append(Compose(transforms))
        self.pack = PackInputs()

    def prepare(self, index: int) -> dict:
        """Decode sample ``index`` once, make every view, pack them into one item."""
        results = dict(self.data_source[index])
        results['sample_idx'] = index
        results['rng'] = self.sample_rng(index)
        results = self.pipeline(results)
        views = []
        for pipeline, count in zip(self.view_pipelines, self.num_views):
            for _ in range(count):
                view = pipeline(dict(results))  # shares the rng: views draw in turn
                if view is None:
                    raise ValueError(f'A view pipeline of MultiViewDataset dropped sample {index}')
                views.append(view['img'])  # H x W x C uint8
        return self.pack(dict(results, img=views))
