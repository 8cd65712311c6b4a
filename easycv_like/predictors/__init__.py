"""Inference from a checkpoint alone."""
from .base import Predictor
from .classification_predictor import ClassificationPredictor
from .feature_extractor import FeatureExtractor

__all__ = ['ClassificationPredictor', 'FeatureExtractor', 'Predictor']
