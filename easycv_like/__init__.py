"""easycv_like: a PyTorch toolbox for self-supervised pre-training, classification and more."""
__version__ = '0.1.0'

from . import data, evaluation, models  # noqa: E402,F401  (register every class)
from . import engine  # noqa: E402,F401
from .apis import evaluate, train  # noqa: E402
from .predictors import ClassificationPredictor  # noqa: E402
from .predictors import FeatureExtractor  # noqa: E402
from .predictors import DetectionPredictor, SegmentationPredictor  # noqa: E402

__all__ = ['ClassificationPredictor', 'DetectionPredictor', 'FeatureExtractor',
           'SegmentationPredictor', 'evaluate', 'train', '__version__']
