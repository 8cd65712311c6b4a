"""Image classification from a checkpoint alone."""
from typing import List, Sequence

import numpy as np

from .base import Predictor


class ClassificationPredictor(Predictor):
    """``predict(images)`` -> one dict per image: ``class``, ``class_name``, ``score``, ``scores``.

    Example:
        >>> p = ClassificationPredictor('work_dirs/x/latest.pth', device='cpu')
        >>> p.predict([rgb_uint8_hwc_array])[0]['class']
    """

    def predict(self, images: Sequence[np.ndarray], batch_size: int = 32) -> List[dict]:
        results = []
        for out in self.forward(list(images), 'predict', batch_size):
            scores = out['pred_score'].float()
            label = int(scores.argmax())
            name = self.classes[label] if self.classes and label < len(self.classes) else None
            results.append(dict(**{'class': label}, class_name=name,
                                score=float(scores[label]), scores=scores.tolist()))
        return results
