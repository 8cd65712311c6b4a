"""Inference from a checkpoint alone."""
from .base import Predictor
from .classification_predictor import ClassificationPredictor
from .detection_predictor import DetectionPredictor
from .feature_extractor import FeatureExtractor
from .segmentation_predictor import SegmentationPredictor
from .model_task import WrongModelError
from .task_predictor import predictor_class
from .visualize import draw_detections, overlay_seg_map

__all__ = ['ClassificationPredictor', 'DetectionPredictor', 'FeatureExtractor', 'Predictor',
           'SegmentationPredictor', 'WrongModelError', 'draw_detections', 'overlay_seg_map',
           'predictor_class']
