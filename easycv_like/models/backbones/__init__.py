"""Backbones: image -> tuple of feature maps selected by ``out_indices``."""
from .csp_darknet import CSPDarknet
from .resnet import ResNet, load_torchvision_state_dict
from .vision_transformer import VisionTransformer

__all__ = ['CSPDarknet', 'ResNet', 'VisionTransformer', 'load_torchvision_state_dict']
