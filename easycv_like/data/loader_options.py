"""Per-loader options on a dataset entry of the config: ``collate`` and ``batch_sampler``.

Both are keys of the dataset dict (``data.train``, ``data.val``, ``eval_pipelines[i].data``),
popped here before the dataset is built and turned into mmengine DataLoader settings, e.g.
``data.train.collate=dict(type='pad_collate', size_divisor=32, pad_value=114)`` and
``data.train.batch_sampler=dict(type='AspectRatioBatchSampler')``.
"""
from typing import Optional

from ..registry import FUNCTIONS, SCOPE
from .stack_collate import stack_collate

DEFAULT_COLLATE = dict(type=stack_collate)  # mmengine's default_collate, sizes checked first


def pop_loader_options(dataset: dict) -> tuple[dict, Optional[dict]]:
    """Remove ``collate`` and ``batch_sampler`` from ``dataset``; return the DataLoader's
    ``collate_fn`` config (the function resolved in FUNCTIONS, unknown names raise ``KeyError``
    with the closest ones) and the batch sampler config (or None)."""
    collate = dataset.pop('collate', None)
    if collate is None:
        return dict(DEFAULT_COLLATE), _batch_sampler(dataset)
    collate = dict(collate)
    if 'type' not in collate:
        raise KeyError(f"collate needs a 'type' (e.g. 'pad_collate'), got {collate}.")
    if isinstance(collate['type'], str):
        collate['type'] = FUNCTIONS.get(collate['type'])
    return collate, _batch_sampler(dataset)


def _batch_sampler(dataset: dict) -> Optional[dict]:
    batch_sampler = dataset.pop('batch_sampler', None)
    if batch_sampler is None:
        return None
    batch_sampler = dict(batch_sampler)
    kind = batch_sampler.get('type')
    if isinstance(kind, str) and '.' not in kind:
        batch_sampler['type'] = f'{SCOPE}.{kind}'
    return batch_sampler


def use_batch_sampler(loader: dict, batch_sampler: Optional[dict]) -> dict:
    """Hand ``drop_last`` to the batch sampler (a DataLoader refuses both); mmengine passes it
    the index sampler and ``batch_size``."""
    if batch_sampler is not None:
        batch_sampler.setdefault('drop_last', loader.pop('drop_last', False))
        loader.pop('drop_last', None)
        loader['batch_sampler'] = batch_sampler
    return loader
