"""The Python API: train(), evaluate()."""
from .evaluate import evaluate
from .extract_features import extract_features
from .knn_eval import knn_eval
from .train import train

__all__ = ['evaluate', 'extract_features', 'knn_eval', 'train']
