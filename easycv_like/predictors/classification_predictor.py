"""Image classification from a checkpoint alone."""
from typing import Any, List

from ..models.selfsup.base import BaseSelfSupervisor
from .base import Predictor
from .image_inputs import to_rgb_arrays
from .model_task import WrongModelError


class NoClassifierError(WrongModelError):
    """The checkpoint's model has no classifier (e.g. a self-supervised pre-training run)."""


class ClassificationPredictor(Predictor):
    """``predict(images)`` -> one dict per image: ``class``, ``class_name``, ``score``, ``scores``.

    ``images``: a file path, a PIL image or an H x W x 3 uint8 RGB array, or a list of them
    (mixed is fine); the result is always a list. A checkpoint of a self-supervised run is
    refused with ``NoClassifierError`` (it has no classifier: extract features instead), a
    detector's or segmentor's with ``WrongModelError`` naming the predictor to use.

    Example:
        >>> p = ClassificationPredictor('work_dirs/x/latest.pth', device='cpu')
        >>> p.predict('cat.jpg')[0]['class']
    """

    tasks = ('classification',)

    def check_model(self, source: str) -> None:
        if isinstance(self.model, BaseSelfSupervisor):
            raise NoClassifierError(
                f'{source} holds a self-supervised {type(self.model).__name__} model: it has '
                'no classifier, so it cannot classify images. Extract its features instead '
                '(tools/extract_features.py, or easycv_like.FeatureExtractor), or train a linear '
                'probe on them (configs/benchmarks/linear_*.py, see docs/ssl.md).')
        super().check_model(source)

    def predict(self, images: Any, batch_size: int = 32) -> List[dict]:
        results = []
        for out in self.forward(to_rgb_arrays(images), 'predict', batch_size):
            if 'pred_score' not in out:
                raise NoClassifierError(
                    f'{type(self.model).__name__} predicts {sorted(out)} but no class scores '
                    "('pred_score'): it is not a classifier.")
            scores = out['pred_score'].float()
            label = int(scores.argmax())
            name = self.classes[label] if self.classes and label < len(self.classes) else None
            results.append(dict(**{'class': label}, class_name=name,
                                score=float(scores[label]), scores=scores.tolist()))
        return results
