"""Detection: algorithm base, detectors and the parts shared with torchvision's components."""
from .base import BaseDetector, boxes_to_original
from .feature_dict import NamedFeatures, name_features
from .sim_ota_assigner import SimOTAAssigner, SimOTAAssignment
from .yolox import YOLOX
from .yolox_criterion import YOLOXCriterion
from .yolox_head import YOLOXHead

__all__ = ['BaseDetector', 'NamedFeatures', 'boxes_to_original', 'name_features',
           'SimOTAAssigner', 'SimOTAAssignment', 'YOLOX', 'YOLOXCriterion', 'YOLOXHead']
