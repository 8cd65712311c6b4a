"""Random resize and random crop of segmentation recipes (mmseg / torchvision references).

Seg maps are resized nearest-neighbour and padded with 255 (ignore); boxes, if present, move too.
"""
from collections.abc import Sequence
from typing import Union

from mmcv.transforms import BaseTransform

from easycv_like.data.transforms.detection import Fill, fill_values
from easycv_like.data.transforms.geometry import cv2_interpolation, resize_image
from easycv_like.data.transforms.rng import get_rng
from easycv_like.data.transforms.targets import (check_targets, crop_targets, crop_with_fill,
                                                 resize_targets)
from easycv_like.errors import ConfigError
from easycv_like.registry import TRANSFORMS
from easycv_like.utils.sizes import as_pair


@TRANSFORMS.register_module()
class RandomResize(BaseTransform):
    """Resize by a random ratio of a base ``scale``.

    A ratio ``r`` is drawn uniformly in ``ratio_range``; with ``keep_ratio`` the image is scaled
    by ``r * min(scale_h / h, scale_w / w)`` (it fits ``r * scale``), else resized to exactly
    ``r * scale``.

    Args:
        scale: base (h, w), or an int for a square.
        ratio_range: range of ``r``.
        keep_ratio: keep the image's aspect ratio.
        interpolation: image interpolation (seg maps always use nearest).
    """

    def __init__(self, scale: Union[int, Sequence[int]],
                 ratio_range: Sequence[float] = (0.5, 2.0), keep_ratio: bool = True,
                 interpolation: str = 'bilinear') -> None:
        self.scale = as_pair(scale)
        self.ratio_range = (float(ratio_range[0]), float(ratio_range[1]))
        if not 0 < self.ratio_range[0] <= self.ratio_range[1]:
            raise ConfigError(f'RandomResize ratio_range must be 0 < low <= high, got '
                              f'{ratio_range}.')
        self.keep_ratio = bool(keep_ratio)
        self.interpolation = cv2_interpolation(interpolation)

    def transform(self, results: dict) -> dict:
        check_targets(results, 'RandomResize')
        img = results['img']
        ratio = get_rng(results).uniform(*self.ratio_range)
        if self.keep_ratio:
            factor = ratio * min(self.scale[0] / img.shape[0], self.scale[1] / img.shape[1])
            h, w = (max(1, int(round(v * factor))) for v in img.shape[:2])
        else:
            h, w = (max(1, int(round(v * ratio))) for v in self.scale)
        results['img'] = resize_image(img, h, w, self.interpolation)
        resize_targets(results, img.shape[:2], h, w)
        return results


@TRANSFORMS.register_module()
class RandomCrop(BaseTransform):
    """Crop a random ``size`` window; an image smaller than that is padded (bottom / right) with
    ``pad_value`` and its seg map with 255 first.

    Args:
        size: crop (h, w), or an int for a square.
        pad_value: image fill where the window leaves the image.
    """

    def __init__(self, size: Union[int, Sequence[int]], pad_value: Fill = 0) -> None:
        self.size = as_pair(size)
        self.pad_value = pad_value

    def transform(self, results: dict) -> dict:
        check_targets(results, 'RandomCrop')
        img = results['img']
        h, w = self.size
        rng = get_rng(results)
        top = int(rng.integers(0, max(img.shape[0] - h, 0) + 1))
        left = int(rng.integers(0, max(img.shape[1] - w, 0) + 1))
        results['img'] = crop_with_fill(img, top, left, h, w, fill_values(self.pad_value, img.shape[2]))
        crop_targets(results, top, left, h, w)
        return results
