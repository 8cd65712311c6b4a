"""Backbones: image -> tuple of feature maps selected by ``out_indices``."""
from .csp_darknet import CSPDarknet
from .mobilenet_v2 import MobileNetV2
from .mobilenet_v3 import MobileNetV3
from .resnet import ResNet, load_torchvision_state_dict
from .vision_transformer import VisionTransformer

__all__ = ['CSPDarknet', 'MobileNetV2', 'MobileNetV3', 'ResNet', 'VisionTransformer',
           'load_torchvision_state_dict']
