"""Transforms: cv2/numpy augmentations on HWC uint8 RGB images, and packing into tensors."""
from easycv_like.data.transforms.color import ColorJitter, GaussianBlur, RandomGrayscale
from easycv_like.data.transforms.color import Solarization
from easycv_like.data.transforms.formatting import PackInputs, image_to_tensor
from easycv_like.data.transforms.geometry import (CenterCrop, RandomHorizontalFlip,
                                                  RandomResizedCrop, Resize)
from easycv_like.data.transforms.loading import LoadImage
from easycv_like.data.transforms.random_apply import RandomAppliedTrans
from easycv_like.data.transforms.rng import get_rng

__all__ = ['CenterCrop', 'ColorJitter', 'GaussianBlur', 'LoadImage', 'PackInputs',
           'RandomAppliedTrans', 'RandomGrayscale', 'RandomHorizontalFlip', 'RandomResizedCrop',
           'Resize', 'Solarization', 'get_rng', 'image_to_tensor']
