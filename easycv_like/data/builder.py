"""``build_dataloader``: the loader of one dataset entry: a torch DataLoader config or DALI's.

``data.backend`` names the loader of the training data: ``'torch'`` (our datasets in DataLoader
workers, built by mmengine's Runner from the config returned here) or ``'dali'`` (a DALI dataset
whose pipeline a ready ``DALILoader`` runs). Unset, it follows the dataset's type, so configs
written before the key existed keep working. The engine asks only this module, so it never
imports DALI code itself.
"""
import copy
import inspect
from typing import Optional, Union

import torch
from torch.utils.data import DataLoader

from easycv_like.data.dali import DaliBaseDataset, DALILoader
from easycv_like.data.loader_options import pop_loader_options, use_batch_sampler
from easycv_like.errors import ConfigError, closest
from easycv_like.registry import DATASETS, SCOPE

BACKENDS = ('torch', 'dali')


def dataset_class(dataset_cfg: dict) -> type:
    """The class a dataset config builds (its ``type``, looked up in DATASETS)."""
    kind = dataset_cfg['type']
    return DATASETS.get(kind) if isinstance(kind, str) else kind


def dataset_backend(dataset_cfg: dict) -> str:
    """``'dali'`` for a DALI dataset type, else ``'torch'``."""
    return 'dali' if issubclass(dataset_class(dataset_cfg), DaliBaseDataset) else 'torch'


def check_backend(data: dict, dataset: dict, train: bool) -> str:
    """The backend of ``dataset``; raise ``ConfigError`` if ``data.backend`` is unknown, or names
    one the training dataset's type does not run on (evaluation datasets follow their type)."""
    backend = data.get('backend')
    if backend is not None and backend not in BACKENDS:
        raise ConfigError(f'data.backend={backend!r} is not a loader backend'
                          f'{closest(backend, BACKENDS)}; choose one of {BACKENDS}.')
    found = dataset_backend(dataset)
    if train and backend is not None and backend != found:
        need = 'a DALI dataset (DaliClsDataset, DaliMultiViewDataset, DaliMultiCropDataset)' \
            if backend == 'dali' else 'a dataset that is not a DALI one (or data.backend=dali)'
        raise ConfigError(f"data.backend={backend!r} but data.train.type={dataset['type']!r} "
                          f'runs on {found!r}: data.train needs {need}.')
    return found


def _dali_loader(data: dict, dataset: dict, train: bool, seed: Optional[int]) -> DataLoader:
    """A DALI dataset runs its own pipeline: the Runner gets a ready loader (a DataLoader to it)."""
    if seed is not None:
        dataset.setdefault('seed', seed)
    return DALILoader(DATASETS.build(dataset), batch_size=data['imgs_per_gpu'],
                      shuffle=train, drop_last=train and data['drop_last'],
                      num_threads=data['workers_per_gpu'])


def check_collate(dataset: dict, where: str) -> None:
    """Raise ``ConfigError`` when a dataset whose batches need padding (``needs_pad_collate``:
    detection, segmentation) has no ``collate``: the default one stops in the first batch with
    torch's bare 'stack expects each tensor to be equal size'."""
    if dataset.get('collate') is None and getattr(dataset_class(dataset), 'needs_pad_collate',
                                                  False):
        raise ConfigError(
            f"{where} ({dataset['type']}) has no `collate`: its images and box lists differ in "
            "size from sample to sample, so its batches need padding. Add "
            "collate=dict(type='pad_collate', size_divisor=32, pad_value=114) to it (YOLOX; "
            'segmentation: pad_value=0, seg_pad_value=255), as the base dataset configs do.')


def _torch_loader_cfg(data: dict, dataset: dict, train: bool, seed: Optional[int],
                      where: str) -> dict:
    """The mmengine DataLoader config: ``EpochIndexSampler``, the entry's collate/batch sampler."""
    check_collate(dataset, where)
    collate_fn, batch_sampler = pop_loader_options(dataset)
    if (seed is not None and 'seed' not in dataset
            and 'seed' in inspect.signature(dataset_class(dataset)).parameters):
        dataset['seed'] = seed
    return use_batch_sampler(dict(
        batch_size=data['imgs_per_gpu'],
        num_workers=data['workers_per_gpu'],
        persistent_workers=False,
        pin_memory=torch.cuda.is_available(),
        drop_last=train and data['drop_last'],
        sampler=dict(type=f'{SCOPE}.EpochIndexSampler', shuffle=train),
        collate_fn=collate_fn,
        # workers' base seed from a private generator, so creating a loader never advances the
        # global torch RNG (a resumed run then continues the original random stream)
        generator=torch.Generator().manual_seed(seed or 0),
        dataset=dataset), batch_sampler)


def build_dataloader(data: dict, dataset: dict, train: bool, seed: Optional[int],
                     where: str = 'the dataset entry') -> Union[dict, DataLoader]:
    """The loader of ``dataset`` (a dataset config; not modified) under the ``data`` settings.

    Args:
        data: the config's validated ``data`` (``imgs_per_gpu``, ``workers_per_gpu``,
            ``drop_last``, optional ``backend``; the schema fills the defaults).
        dataset: a dataset config, e.g. ``data.train`` or an ``eval_pipelines`` entry's data.
        train: shuffle and honour ``drop_last`` (training) or not (evaluation).
        seed: the run's seed, given to a dataset that takes one and does not set it.
        where: the entry's place in the config, for error messages (e.g. ``'data.train'``).

    Returns:
        A DataLoader config for mmengine's Runner (backend ``'torch'``) or a built
        ``DALILoader`` (backend ``'dali'``).
    """
    dataset = copy.deepcopy(dataset)
    if check_backend(data, dataset, train) == 'dali':
        return _dali_loader(data, dataset, train, seed)
    return _torch_loader_cfg(data, dataset, train, seed, where)
