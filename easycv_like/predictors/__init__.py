"""Inference from a checkpoint alone."""
from .base import Predictor
from .classification_predictor import ClassificationPredictor

__all__ = ['ClassificationPredictor', 'Predictor']
