"""Models: backbones, necks, heads, losses, the data preprocessor and the algorithms.

Importing this package registers every model class in ``easycv_like.registry.MODELS``.
"""
from . import (backbones, detection, heads, losses, necks, pretrained_init, segmentation,
               selfsup)
from .classification import Classification
from .data_preprocessor import ClsDataPreprocessor
from .dense_data_preprocessor import DenseDataPreprocessor
from .exp_momentum_ema import ExpMomentumEMA

__all__ = ['backbones', 'detection', 'heads', 'losses', 'necks', 'segmentation', 'selfsup',
           'Classification', 'ClsDataPreprocessor', 'DenseDataPreprocessor', 'ExpMomentumEMA']
