"""Losses (and the accuracy used to log them) as pure functions of tensors."""
from .accuracy import topk_accuracy
from .cross_entropy import cross_entropy

__all__ = ['cross_entropy', 'topk_accuracy']
