"""What detection and segmentation predictors share: an inference pipeline without target
loading, and batches made by the same collate function as the evaluation loader's."""
import functools

import numpy as np
from mmengine.dataset import Compose

from ..registry import FUNCTIONS, TRANSFORMS
from ..utils.safe_build import build_from_stored_config, check_registered_types
from .base import Predictor, inference_pipeline, single_view_dataset

TARGET_LOADERS = frozenset({'LoadSegMap'})


def inference_dataset(cfg) -> dict:
    """The dataset entry predictors follow: the first ``eval_pipelines`` entry, else
    ``data.val``, else an empty dict."""
    pipelines = cfg.get('eval_pipelines') or []
    if pipelines:
        return dict(single_view_dataset(pipelines[0]['data']))
    return dict((cfg.get('data') or {}).get('val') or {})


def _short_type(transform: dict) -> str:
    return str(transform.get('type', '')).split('.')[-1]


class DensePredictor(Predictor):
    """``Predictor`` for dense tasks: the inference pipeline drops the steps that load targets
    (``LoadSegMap``: a predictor has images only) and images are batched by the dataset entry's
    ``collate`` (default ``pad_collate``), so geometry (``scale_factor``, ``pad``, ``flip``)
    reaches the model's ``predict``, which maps results back to each original image."""

    def __init__(self, checkpoint: str, device: str = 'cpu',
                 trust_checkpoint: bool = False) -> None:
        super().__init__(checkpoint, device, trust_checkpoint)
        steps = [t for t in inference_pipeline(self.cfg) if _short_type(t) not in TARGET_LOADERS]
        self.pipeline = Compose([build_from_stored_config(TRANSFORMS, t, 'pipeline', checkpoint)
                                 for t in steps])
        collate = dict(inference_dataset(self.cfg).get('collate') or dict(type='pad_collate'))
        check_registered_types(collate, 'collate', checkpoint)
        self.collate_fn = functools.partial(FUNCTIONS.get(collate.pop('type')), **collate)

    def raw_sample(self, img: np.ndarray, index: int) -> dict:
        """An in-memory image, numbered so results come back in input order."""
        return dict(img=img, img_path='', img_id=index, sample_idx=index)
