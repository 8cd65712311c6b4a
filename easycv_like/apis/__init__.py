"""The Python API: train(), evaluate()."""
from .evaluate import evaluate
from .train import train

__all__ = ['evaluate', 'train']
