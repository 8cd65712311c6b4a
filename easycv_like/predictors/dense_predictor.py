"""What detection and segmentation predictors share: an inference pipeline without target
loading, and batches made by the same collate function as the evaluation loader's."""
import functools
from typing import Any, List

import numpy as np

from ..registry import FUNCTIONS
from ..utils.safe_build import check_registered_types
from .base import Predictor, inference_dataset, inference_pipeline
from .image_inputs import to_rgb_arrays

TARGET_LOADERS = frozenset({'LoadSegMap'})


def _short_type(transform: dict) -> str:
    return str(transform.get('type', '')).split('.')[-1]


class DensePredictor(Predictor):
    """``Predictor`` for dense tasks: the inference pipeline drops the steps that load targets
    (``LoadSegMap``: a predictor has images only) and images are batched by the dataset entry's
    ``collate`` (default ``pad_collate``), so geometry (``scale_factor``, ``pad``, ``flip``)
    reaches the model's ``predict``, which maps results back to each original image."""

    def __init__(self, checkpoint: str, *args, **kwargs) -> None:
        super().__init__(checkpoint, *args, **kwargs)
        collate = dict(inference_dataset(self.cfg).get('collate') or dict(type='pad_collate'))
        if self._stored_in is not None:
            check_registered_types(collate, 'collate', self._stored_in)
        self.collate_fn = functools.partial(FUNCTIONS.get(collate.pop('type')), **collate)

    def pipeline_steps(self) -> List[dict]:
        return [t for t in inference_pipeline(self.cfg) if _short_type(t) not in TARGET_LOADERS]

    def raw_sample(self, img: np.ndarray, index: int) -> dict:
        """An in-memory image, numbered so results come back in input order."""
        return dict(img=img, img_path='', img_id=index, sample_idx=index)

    def forward_images(self, images: Any, batch_size: int) -> list:
        """``predict``'s ``images`` (paths, PIL images, arrays; one or a list) -> model outputs."""
        return self.forward(to_rgb_arrays(images), 'predict', batch_size)
