"""Pick the predictor class a checkpoint needs from the kind of model it stores."""
from typing import Optional, Type

from mmengine.config import Config

from ..registry import MODELS
from ..utils.checkpoint import CheckpointLoadError, load_checkpoint_file
from ..utils.safe_build import check_registered_types
from .base import Predictor
from .classification_predictor import ClassificationPredictor
from .detection_predictor import DetectionPredictor
from .model_task import model_task
from .segmentation_predictor import SegmentationPredictor


def predictor_class(checkpoint: str, trust_checkpoint: bool = False,
                    config: Optional[Config] = None) -> Type[Predictor]:
    """``DetectionPredictor`` for a ``BaseDetector``, ``SegmentationPredictor`` for a
    ``BaseSegmentor``, else ``ClassificationPredictor``. The model is ``config``'s when given,
    else the checkpoint's, whose ``type`` must be a registered name (nothing is imported or
    built here)."""
    if config is not None:
        model = config.get('model')
    else:
        meta = load_checkpoint_file(checkpoint, map_location='cpu',
                                    trust=trust_checkpoint).get('meta') or {}
        model = (meta.get('config_dict') or {}).get('model')
        if not isinstance(model, dict) or 'type' not in model:
            raise CheckpointLoadError(
                f'{checkpoint} holds no model config (meta.config_dict.model): it was not '
                'written by easycv_like training. Give the config its weights fit (--config).')
        check_registered_types(dict(type=model['type']), 'model', checkpoint)
    model_cls = MODELS.get(model['type']) if isinstance(model, dict) else None
    task = model_task(model_cls) if isinstance(model_cls, type) else 'classification'
    return {'detection': DetectionPredictor,
            'segmentation': SegmentationPredictor}.get(task, ClassificationPredictor)
