"""Evaluators: mmengine metrics computed over a whole dataset's predictions.

Importing this package registers every evaluator in ``easycv_like.registry.METRICS``.
"""
from .base_detection_evaluator import BaseDetectionEvaluator
from .cls_evaluator import ClsEvaluator
from .coco_detection_evaluator import CocoDetectionEvaluator
from .knn import weighted_knn
from .knn_evaluator import KNNEvaluator
from .retrieval_evaluator import RetrievalEvaluator
from .segmentation_evaluator import SegmentationEvaluator
from .voc_detection_evaluator import VocDetectionEvaluator

__all__ = ['BaseDetectionEvaluator', 'ClsEvaluator', 'CocoDetectionEvaluator', 'KNNEvaluator',
           'RetrievalEvaluator', 'SegmentationEvaluator', 'VocDetectionEvaluator',
           'weighted_knn']
