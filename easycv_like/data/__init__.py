"""The data layer: sources -> transforms -> datasets (and the samplers that order them).

Importing this package registers every data source, transform, dataset and sampler (the registries
of ``easycv_like.registry`` import it lazily when a config names one).
"""
from easycv_like.data import datasets, samplers, sources, transforms
from easycv_like.data import dali, tfrecord  # noqa: F401  (DALI datasets, TFRecord I/O)
from easycv_like.data import collate, stack_collate  # noqa: F401  (register the collates)
from easycv_like.data.datasets import BaseDataset, ClsDataset
from easycv_like.data.errors import BadSampleError
from easycv_like.data.sources import Cifar, ImageFolder, ImageList
from easycv_like.data.transforms import (CenterCrop, ColorJitter, GaussianBlur, LoadImage,
                                         PackInputs, RandomGrayscale, RandomHorizontalFlip,
                                         RandomResizedCrop, Resize)

__all__ = ['BadSampleError', 'BaseDataset', 'CenterCrop', 'Cifar', 'ClsDataset', 'ColorJitter',
           'GaussianBlur', 'ImageFolder', 'ImageList', 'LoadImage', 'PackInputs',
           'RandomGrayscale', 'RandomHorizontalFlip', 'RandomResizedCrop', 'Resize', 'datasets',
           'samplers', 'sources', 'transforms']
