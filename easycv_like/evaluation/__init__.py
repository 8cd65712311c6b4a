"""Evaluators: mmengine metrics computed over a whole dataset's predictions.

Importing this package registers every evaluator in ``easycv_like.registry.METRICS``.
"""
from .cls_evaluator import ClsEvaluator
from .knn import weighted_knn
from .knn_evaluator import KNNEvaluator
from .retrieval_evaluator import RetrievalEvaluator

__all__ = ['ClsEvaluator', 'KNNEvaluator', 'RetrievalEvaluator', 'weighted_knn']
