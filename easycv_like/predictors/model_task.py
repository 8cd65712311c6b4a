"""Which task a model class serves, so each predictor (and feature extraction) refuses a model of
another task when it is built, naming the one to use, instead of failing inside ``predict``;
``tools/eval.py`` names the model type a checkpoint holds when its weights do not fit.

Every easycv_like model is a ``BaseDetector``, a ``BaseSegmentor``, a ``BaseSelfSupervisor`` or a
classifier (``Classification``, or a model a user registers).
"""
from typing import Any, Collection, Mapping

from torch import nn

from ..models.detection import BaseDetector
from ..models.segmentation import BaseSegmentor
from ..models.selfsup.base import BaseSelfSupervisor
from ..registry import MODELS

# task -> what serves it; the classifier's is also tools/predict.py's default
SERVED_BY = {'detection': 'DetectionPredictor', 'segmentation': 'SegmentationPredictor',
             'self-supervised': 'FeatureExtractor (tools/extract_features.py)',
             'classification': 'ClassificationPredictor'}
FEATURE_TASKS = ('classification', 'self-supervised')  # models whose pooled features are served


class WrongModelError(ValueError):
    """A checkpoint's (or config's) model is of a task the predictor does not serve."""


def model_task(model_cls: type) -> str:
    """``'detection'``, ``'segmentation'``, ``'self-supervised'`` or ``'classification'``."""
    if issubclass(model_cls, BaseDetector):
        return 'detection'
    if issubclass(model_cls, BaseSegmentor):
        return 'segmentation'
    if issubclass(model_cls, BaseSelfSupervisor):
        return 'self-supervised'
    return 'classification'


def describe(model_cls: type) -> str:
    """``'Segmentation model (segmentation)'``: a model class and its task, as errors name them."""
    return f'{model_cls.__name__} model ({model_task(model_cls)})'


def stored_model_note(checkpoint: Any, model: nn.Module, source: str) -> str:
    """A sentence naming the model the checkpoint's stored config (``meta.config_dict.model``,
    written by training) holds, when it is of another type than ``model``; '' when the file
    stores no model type or the same one. Only registered names are looked up (nothing is
    imported from a checkpoint)."""
    meta = checkpoint.get('meta') if isinstance(checkpoint, Mapping) else None
    config = meta.get('config_dict') if isinstance(meta, Mapping) else None
    stored = config.get('model') if isinstance(config, Mapping) else None
    name = stored.get('type') if isinstance(stored, Mapping) else None
    if not isinstance(name, str):
        return ''
    stored_cls = MODELS.get(name) if name in MODELS.all_names() else None
    if stored_cls is type(model) or (stored_cls is None and name == type(model).__name__):
        return ''
    held = describe(stored_cls) if isinstance(stored_cls, type) else f'{name} model'
    return f'{source} holds a {held}; the config\'s model is a {describe(type(model))}.'


def check_model_task(model_cls: type, tasks: Collection[str], user: str, source: str) -> None:
    """Raise ``WrongModelError`` unless ``model_cls`` serves one of ``tasks``.

    Args:
        model_cls: the class of the model built from ``source``.
        tasks: the tasks ``user`` serves.
        user: what refuses the model, e.g. ``'DetectionPredictor'``.
        source: the checkpoint (or config) the model comes from, named in the message.
    """
    task = model_task(model_cls)
    if task not in tasks:
        raise WrongModelError(
            f'{source} holds a {describe(model_cls)}; {user} serves '
            f'{" or ".join(tasks)} models. Use {SERVED_BY[task]} for it (tools/predict.py '
            'picks the predictor from the checkpoint).')
