"""Geometric transforms on HWC uint8 images: random-resized crop, resize, centre crop, flip.

The classification and SSL pipelines of EasyCV/torchvision, written with cv2/numpy so workers stay
fast; the random ones draw only from ``results['rng']`` (see ``rng.py``). Dense targets (boxes,
seg map) move with the pixels and the geometry record is kept (``targets.py``); a target they
cannot move raises.
"""
import math
from collections.abc import Sequence

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from easycv_like.data.transforms.rng import get_rng
from easycv_like.data.transforms.targets import (check_targets, crop_targets, flip_targets,
                                                 resize_targets)
from easycv_like.errors import ConfigError
from easycv_like.registry import TRANSFORMS
from easycv_like.utils.sizes import Size, as_pair

INTERPOLATIONS = {'nearest': cv2.INTER_NEAREST, 'bilinear': cv2.INTER_LINEAR,
                  'bicubic': cv2.INTER_CUBIC, 'area': cv2.INTER_AREA,
                  'lanczos': cv2.INTER_LANCZOS4}


def _range(values: Sequence[float], what: str) -> tuple[float, float]:
    """``(low, high)`` with ``0 < low <= high``, else a ``ConfigError`` naming ``what``."""
    low, high = (float(v) for v in values)
    if not 0 < low <= high:
        raise ConfigError(f'{what} must be (low, high) with 0 < low <= high, got {tuple(values)}.')
    return low, high


def cv2_interpolation(name: str) -> int:
    """The cv2 flag of an interpolation name; ``ConfigError`` listing the names otherwise."""
    if name not in INTERPOLATIONS:
        raise ConfigError(f'Unknown interpolation {name!r}; choose one of '
                          f'{sorted(INTERPOLATIONS)}.')
    return INTERPOLATIONS[name]


def resize_image(img: np.ndarray, h: int, w: int, interpolation: int) -> np.ndarray:
    """``img`` (H x W or H x W x C) resized to h x w with a cv2 flag; channels kept."""
    if img.shape[:2] == (h, w):
        return img
    out = cv2.resize(img, (w, h), interpolation=interpolation)
    return out[..., None] if img.ndim == 3 and out.ndim == 2 else out  # cv2 drops a 1-channel axis


@TRANSFORMS.register_module()
class RandomResizedCrop(BaseTransform):
    """Crop a random area and aspect ratio, then resize it to ``size`` (torchvision semantics).

    Ten tries draw an area fraction in ``scale`` and a log-uniform aspect ratio in ``ratio``; if
    none fits, the centre crop of the whole image clamped to ``ratio`` is used.

    Args:
        size: output size, an int (square) or (h, w).
        scale: range of the crop's area as a fraction of the image area.
        ratio: range of the crop's aspect ratio (width / height).
        interpolation: 'nearest', 'bilinear', 'bicubic', 'area' or 'lanczos'.
    """

    def __init__(self, size: Size, scale: Sequence[float] = (0.08, 1.0),
                 ratio: Sequence[float] = (3 / 4, 4 / 3), interpolation: str = 'bilinear') -> None:
        self.size = as_pair(size, 'RandomResizedCrop.size')
        self.scale = _range(scale, 'RandomResizedCrop.scale')
        self.ratio = _range(ratio, 'RandomResizedCrop.ratio')
        self.interpolation = cv2_interpolation(interpolation)

    def crop_box(self, height: int, width: int,
                 rng: np.random.Generator) -> tuple[int, int, int, int]:
        """Return (top, left, h, w) of the crop for an image of ``height`` x ``width``."""
        area = height * width
        log_ratio = (math.log(self.ratio[0]), math.log(self.ratio[1]))
        for _ in range(10):
            target_area = area * rng.uniform(*self.scale)
            aspect = math.exp(rng.uniform(*log_ratio))
            w = int(round(math.sqrt(target_area * aspect)))
            h = int(round(math.sqrt(target_area / aspect)))
            if 0 < w <= width and 0 < h <= height:
                top = int(rng.integers(0, height - h + 1))
                return top, int(rng.integers(0, width - w + 1)), h, w
        aspect = width / height
        if aspect < self.ratio[0]:
            w, h = width, int(round(width / self.ratio[0]))
        elif aspect > self.ratio[1]:
            w, h = int(round(height * self.ratio[1])), height
        else:
            w, h = width, height
        return (height - h) // 2, (width - w) // 2, h, w

    def transform(self, results: dict) -> dict:
        check_targets(results, 'RandomResizedCrop')
        img = results['img']
        top, left, h, w = self.crop_box(img.shape[0], img.shape[1], get_rng(results))
        results['img'] = resize_image(img[top:top + h, left:left + w], *self.size, self.interpolation)
        crop_targets(results, top, left, h, w)
        resize_targets(results, (h, w), *self.size)
        return results


@TRANSFORMS.register_module()
class Resize(BaseTransform):
    """Resize to ``size``: an int sets the shorter side (aspect kept), (h, w) sets both.

    Args:
        size: the shorter side's length, or (h, w).
        interpolation: 'nearest', 'bilinear', 'bicubic', 'area' or 'lanczos'.
    """

    def __init__(self, size: Size, interpolation: str = 'bilinear') -> None:
        self.size = as_pair(size, 'Resize.size')[0] if isinstance(size, int) else \
            as_pair(size, 'Resize.size')
        self.interpolation = cv2_interpolation(interpolation)

    def transform(self, results: dict) -> dict:
        img = results['img']
        height, width = img.shape[:2]
        if isinstance(self.size, int):
            short, long = sorted((height, width))
            new_long = int(self.size * long / short)
            h, w = (self.size, new_long) if height <= width else (new_long, self.size)
        else:
            h, w = self.size
        check_targets(results, 'Resize')
        results['img'] = resize_image(img, h, w, self.interpolation)
        resize_targets(results, (height, width), h, w)
        return results


@TRANSFORMS.register_module()
class CenterCrop(BaseTransform):
    """Crop the centre ``size``; an image smaller than that is first zero-padded around.

    Args:
        size: output size, an int (square) or (h, w).
    """

    def __init__(self, size: Size) -> None:
        self.size = as_pair(size)

    def transform(self, results: dict) -> dict:
        check_targets(results, 'CenterCrop')
        img = results['img']
        h, w = self.size
        pad_h, pad_w = max(h - img.shape[0], 0), max(w - img.shape[1], 0)
        if pad_h or pad_w:
            pads = [(pad_h // 2, pad_h - pad_h // 2), (pad_w // 2, pad_w - pad_w // 2)]
            img = np.pad(img, pads + [(0, 0)] * (img.ndim - 2))
        top = int(round((img.shape[0] - h) / 2.0))
        left = int(round((img.shape[1] - w) / 2.0))
        results['img'] = np.ascontiguousarray(img[top:top + h, left:left + w])
        crop_targets(results, top - pad_h // 2, left - pad_w // 2, h, w)
        return results


@TRANSFORMS.register_module()
class RandomHorizontalFlip(BaseTransform):
    """Mirror the image (and its boxes / seg map) left-right with probability ``prob``.

    Args:
        prob: probability of flipping.
    """

    def __init__(self, prob: float = 0.5) -> None:
        self.prob = float(prob)

    def transform(self, results: dict) -> dict:
        check_targets(results, 'RandomHorizontalFlip')
        results.setdefault('flip', False)
        if get_rng(results).random() < self.prob:
            results['img'] = np.ascontiguousarray(results['img'][:, ::-1])
            flip_targets(results, results['img'].shape[1])
        return results
