"""easycv_like: a PyTorch toolbox for self-supervised pre-training, classification and more.

The public names below are imported on first use, so ``import easycv_like`` (and the tools'
``--help``) does not load torch. Classes register when their registry first looks a name up
(each registry imports its package: ``locations`` in ``registry.py``).
"""
import importlib
from typing import Any

__version__ = '0.1.0'

_LAZY_NAMES = {
    'train': 'easycv_like.apis',
    'evaluate': 'easycv_like.apis',
    'ClassificationPredictor': 'easycv_like.predictors',
    'FeatureExtractor': 'easycv_like.predictors',
    'DetectionPredictor': 'easycv_like.predictors',
    'SegmentationPredictor': 'easycv_like.predictors',
}

__all__ = ['ClassificationPredictor', 'DetectionPredictor', 'FeatureExtractor',
           'SegmentationPredictor', 'evaluate', 'train', '__version__']


def __getattr__(name: str) -> Any:
    if name not in _LAZY_NAMES:
        raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
    value = getattr(importlib.import_module(_LAZY_NAMES[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list:
    return sorted(set(globals()) | set(_LAZY_NAMES))
