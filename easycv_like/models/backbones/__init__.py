"""Backbones: image -> tuple of feature maps selected by ``out_indices``."""
from .resnet import ResNet, load_torchvision_state_dict

__all__ = ['ResNet', 'load_torchvision_state_dict']
