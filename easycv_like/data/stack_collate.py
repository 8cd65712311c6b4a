"""``stack_collate``: the default collate of every loader that stacks its images (classification,
multi-view SSL, kNN banks and queries).

mmengine's ``default_collate`` stacks the images of a batch, so they must share one size; a
pipeline that leaves photos of several aspect ratios in several sizes (``Resize`` of the shorter
side without a crop) would fail inside torch with "stack expects each tensor to be equal size",
naming no file and no fix. This checks the sizes first and names both.
"""
from collections.abc import Sequence

import torch
from mmengine.dataset import default_collate

from easycv_like.errors import ConfigError
from easycv_like.registry import FUNCTIONS

_SHOWN = 3


def _views(item: dict) -> list:
    inputs = item.get('inputs') if isinstance(item, dict) else None
    return list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]


@FUNCTIONS.register_module()
def stack_collate(batch: Sequence[dict]) -> dict:
    """``default_collate(batch)`` after checking that each view's images have one size.

    Raises:
        ConfigError: images of the batch differ in size after the pipeline, naming a few of
            them (path and C x H x W) and the fix.
    """
    for view in range(max((len(_views(item)) for item in batch), default=0)):
        sizes: dict = {}
        for item in batch:
            views = _views(item)
            if view < len(views) and isinstance(views[view], torch.Tensor):
                path = (item.get('data_samples') or {}).get('img_path') or 'an in-memory image'
                sizes.setdefault(tuple(views[view].shape), path)
        if len(sizes) > 1:
            shown = '; '.join(f'{path} {list(shape)}'
                              for shape, path in list(sizes.items())[:_SHOWN])
            raise ConfigError(
                f'The images of one batch have {len(sizes)} different sizes after the '
                f"dataset's pipeline (e.g. {shown}), so they cannot be stacked. End the "
                'pipeline with a fixed size: CenterCrop(size=S) after Resize(size=S), or '
                'RandomResizedCrop(size=S) (docs/own_data.md).')
    return default_collate(batch)
