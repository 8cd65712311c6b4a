"""Evaluators: mmengine metrics computed over a whole dataset's predictions.

Importing this package registers every evaluator in ``easycv_like.registry.METRICS``.
"""
from .cls_evaluator import ClsEvaluator

__all__ = ['ClsEvaluator']
