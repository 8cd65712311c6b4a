"""Object detection from a checkpoint alone."""
from typing import Any, List, Optional

import numpy as np

from .dense_predictor import DensePredictor


class DetectionPredictor(DensePredictor):
    """``predict(images)`` -> one dict per image: ``bboxes`` float32 K x 4 xyxy in the original
    image's pixels, ``scores`` float32 K, ``labels`` int64 K, ``label_names`` (the checkpoint's
    class names, or None).

    Example:
        >>> p = DetectionPredictor('work_dirs/yolox_s_shapes/latest.pth')
        >>> det = p.predict('street.jpg', score_thr=0.3)[0]
        >>> megvii = DetectionPredictor('yolox_s.pth',
        ...                             config='configs/detection/yolox/yolox_s_8xb8_300e_coco.py')
    """

    tasks = ('detection',)

    def predict(self, images: Any, batch_size: int = 32,
                score_thr: Optional[float] = None) -> List[dict]:
        """Detections with ``score >= score_thr``, highest score first. ``images``: a file
        path, a PIL image or an H x W x 3 uint8 RGB array, or a list of them. ``score_thr``
        None keeps what the model keeps (its ``score_thr``, 0.01 for YOLOX); a lower value
        lowers the model's for this call, so the boxes asked for are not filtered out first."""
        model_thr = getattr(self.model, 'score_thr', None)
        lower = score_thr is not None and model_thr is not None and score_thr < model_thr
        if lower:
            self.model.score_thr = float(score_thr)
        try:
            outputs = self.forward_images(images, batch_size)
        finally:
            if lower:
                self.model.score_thr = model_thr
        score_thr = 0.0 if score_thr is None else score_thr
        results = []
        for out in outputs:
            scores = out['scores'].numpy().astype(np.float32)
            order = np.argsort(-scores, kind='stable')
            order = order[scores[order] >= score_thr]
            labels = out['labels'].numpy().astype(np.int64)[order]
            results.append(dict(
                bboxes=out['bboxes'].numpy().astype(np.float32).reshape(-1, 4)[order],
                scores=scores[order], labels=labels,
                label_names=[self.class_name(int(label)) for label in labels]
                if self.classes else None))
        return results

    def class_name(self, label: int) -> str:
        if not 0 <= label < len(self.classes):
            raise ValueError(f'The model predicted label {label}, but the checkpoint names '
                             f'{len(self.classes)} classes.')
        return self.classes[label]
