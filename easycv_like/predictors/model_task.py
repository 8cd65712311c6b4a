"""Which task a model class serves, so each predictor (and feature extraction) refuses a model of
another task when it is built, naming the one to use, instead of failing inside ``predict``.

Every easycv_like model is a ``BaseDetector``, a ``BaseSegmentor``, a ``BaseSelfSupervisor`` or a
classifier (``Classification``, or a model a user registers).
"""
from typing import Collection

from ..models.detection import BaseDetector
from ..models.segmentation import BaseSegmentor
from ..models.selfsup.base import BaseSelfSupervisor

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
            f'{source} holds a {model_cls.__name__} model ({task}); {user} serves '
            f'{" or ".join(tasks)} models. Use {SERVED_BY[task]} for it (tools/predict.py '
            'picks the predictor from the checkpoint).')
