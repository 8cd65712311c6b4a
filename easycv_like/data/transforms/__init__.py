"""Transforms: cv2/numpy augmentations on HWC uint8 RGB images, and packing into tensors."""
from easycv_like.data.transforms.augment_policies import (AutoAugment, RandAugment,
                                                          TrivialAugmentWide)
from easycv_like.data.transforms.color import ColorJitter, GaussianBlur, RandomGrayscale
from easycv_like.data.transforms.color import Solarization
from easycv_like.data.transforms.formatting import PackInputs, image_to_tensor
from easycv_like.data.transforms.geometry import (CenterCrop, RandomHorizontalFlip,
                                                  RandomResizedCrop, Resize)
from easycv_like.data.transforms.loading import LoadImage, LoadSegMap
from easycv_like.data.transforms.dense_formatting import PackDetInputs, PackSegInputs
from easycv_like.data.transforms.detection import (FilterBoxes, Letterbox, Pad, RandomAffine,
                                                   RandomIoUCrop, ZoomOut)
from easycv_like.data.transforms.photometric import PhotoMetricDistortion, RandomHSV
from easycv_like.data.transforms.segmentation import RandomCrop, RandomResize
from easycv_like.data.transforms.random_apply import RandomAppliedTrans
from easycv_like.data.transforms.random_erasing import RandomErasing
from easycv_like.data.transforms.rng import get_rng

__all__ = ['CenterCrop', 'ColorJitter', 'GaussianBlur', 'LoadImage', 'PackInputs',
           'RandomAppliedTrans', 'RandomGrayscale', 'RandomHorizontalFlip', 'RandomResizedCrop',
           'Resize', 'Solarization', 'get_rng', 'image_to_tensor',
           'FilterBoxes', 'Letterbox', 'LoadSegMap', 'PackDetInputs', 'PackSegInputs', 'Pad',
           'PhotoMetricDistortion', 'RandomAffine', 'RandomCrop', 'RandomHSV', 'RandomIoUCrop',
           'RandomResize', 'ZoomOut', 'AutoAugment', 'RandAugment', 'RandomErasing',
           'TrivialAugmentWide']
