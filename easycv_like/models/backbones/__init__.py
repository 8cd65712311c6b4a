"""Backbones: image -> tuple of feature maps selected by ``out_indices``."""
from .resnet import ResNet, load_torchvision_state_dict
from .vision_transformer import VisionTransformer

__all__ = ['ResNet', 'VisionTransformer', 'load_torchvision_state_dict']
