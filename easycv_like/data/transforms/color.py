"""Colour transforms on HWC uint8 RGB images: colour jitter, random grayscale, Gaussian blur,
solarization.

The photometric augmentations of SimCLR/MoCo v2/BYOL with torchvision's parameter semantics,
written with cv2 look-up tables and filters so workers stay fast; randomness comes only from
``results['rng']`` (see ``rng.py``).
"""
import math
from collections.abc import Sequence
from typing import Optional, Union

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from easycv_like.data.transforms.rng import get_rng
from easycv_like.errors import ConfigError
from easycv_like.registry import TRANSFORMS

Strength = Union[float, Sequence[float]]
_IDENTITY = np.arange(256, dtype=np.float32)


def _factor_range(value: Strength, name: str, center: float,
                  bounds: tuple[float, float]) -> Optional[tuple[float, float]]:
    """torchvision's rule: a number v means [center - v, center + v] clipped to ``bounds``, a pair
    is the range itself; None means "leave this property alone"."""
    if isinstance(value, (int, float)):
        if value < 0:
            raise ConfigError(f'ColorJitter {name} must be non-negative, got {value}.')
        low, high = max(center - value, bounds[0]), center + value
    else:
        low, high = float(value[0]), float(value[1])
    if not bounds[0] <= low <= high <= bounds[1]:
        raise ConfigError(f'ColorJitter {name} range ({low}, {high}) is not an ordered range '
                          f'inside {bounds}.')
    return None if low == high == center else (low, high)


def _apply_lut(img: np.ndarray, table: np.ndarray) -> np.ndarray:
    return cv2.LUT(img, np.clip(table, 0, 255).astype(np.uint8))  # float -> uint8 truncates


def _gray(img: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)  # 0.299 R + 0.587 G + 0.114 B


def adjust_brightness(img: np.ndarray, factor: float) -> np.ndarray:
    """Blend with black: ``img * factor``."""
    return _apply_lut(img, _IDENTITY * factor)


def adjust_contrast(img: np.ndarray, factor: float) -> np.ndarray:
    """Blend with the mean grey level of the image."""
    mean = float(_gray(img).mean())
    return _apply_lut(img, _IDENTITY * factor + (1.0 - factor) * mean)


def adjust_saturation(img: np.ndarray, factor: float) -> np.ndarray:
    """Blend with the grey version of the image."""
    gray = cv2.cvtColor(_gray(img), cv2.COLOR_GRAY2RGB)
    return cv2.addWeighted(img, factor, gray, 1.0 - factor, 0.0)


def adjust_hue(img: np.ndarray, shift: float) -> np.ndarray:
    """Rotate the hue by ``shift`` turns (in [-0.5, 0.5]), in float HSV to keep precision."""
    hsv = cv2.cvtColor(img.astype(np.float32) * (1.0 / 255.0), cv2.COLOR_RGB2HSV)  # H in [0, 360)
    hsv[..., 0] = np.mod(hsv[..., 0] + shift * 360.0, 360.0)
    rgb = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB) * 255.0
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


@TRANSFORMS.register_module()
class ColorJitter(BaseTransform):
    """Randomly change brightness, contrast, saturation and hue, in a random order.

    Each strength follows torchvision: a number ``v`` draws a factor uniformly in
    ``[max(0, 1 - v), 1 + v]`` (hue: a shift in ``[-v, v]`` turns, ``v <= 0.5``); a pair gives the
    range itself; 0 disables that adjustment.

    Args:
        brightness: brightness strength.
        contrast: contrast strength.
        saturation: saturation strength.
        hue: hue strength, at most 0.5.
        prob: probability of applying the jitter at all.
    """

    def __init__(self, brightness: Strength = 0.0, contrast: Strength = 0.0,
                 saturation: Strength = 0.0, hue: Strength = 0.0, prob: float = 1.0) -> None:
        self.ranges = [
            (adjust_brightness, _factor_range(brightness, 'brightness', 1.0, (0.0, math.inf))),
            (adjust_contrast, _factor_range(contrast, 'contrast', 1.0, (0.0, math.inf))),
            (adjust_saturation, _factor_range(saturation, 'saturation', 1.0, (0.0, math.inf))),
            (adjust_hue, _factor_range(hue, 'hue', 0.0, (-0.5, 0.5))),
        ]
        self.prob = float(prob)

    def transform(self, results: dict) -> dict:
        rng = get_rng(results)
        if rng.random() >= self.prob:
            return results
        img = results['img']
        for index in rng.permutation(len(self.ranges)):
            adjust, factor_range = self.ranges[index]
            if factor_range is not None:
                img = adjust(img, rng.uniform(*factor_range))
        results['img'] = img
        return results


@TRANSFORMS.register_module()
class RandomGrayscale(BaseTransform):
    """Replace the image by its grey version (3 equal channels) with probability ``prob``.

    Args:
        prob: probability of converting.
    """

    def __init__(self, prob: float = 0.1) -> None:
        self.prob = float(prob)

    def transform(self, results: dict) -> dict:
        if get_rng(results).random() < self.prob:
            results['img'] = cv2.cvtColor(_gray(results['img']), cv2.COLOR_GRAY2RGB)
        return results


@TRANSFORMS.register_module()
class GaussianBlur(BaseTransform):
    """Blur with a Gaussian of random sigma, with probability ``prob`` (SimCLR/BYOL).

    The kernel spans +-3 sigma: ``ksize = 2 * ceil(3 * sigma) + 1``.

    Args:
        sigma_min: smallest sigma, in pixels.
        sigma_max: largest sigma, in pixels.
        prob: probability of blurring.
    """

    def __init__(self, sigma_min: float = 0.1, sigma_max: float = 2.0, prob: float = 0.5) -> None:
        if not 0 < sigma_min <= sigma_max:
            raise ConfigError(f'GaussianBlur needs 0 < sigma_min <= sigma_max, got '
                              f'{sigma_min}, {sigma_max}.')
        self.sigma_min, self.sigma_max, self.prob = float(sigma_min), float(sigma_max), float(prob)

    def transform(self, results: dict) -> dict:
        rng = get_rng(results)
        if rng.random() < self.prob:
            sigma = rng.uniform(self.sigma_min, self.sigma_max)
            ksize = 2 * math.ceil(3 * sigma) + 1
            results['img'] = cv2.GaussianBlur(results['img'], (ksize, ksize), sigma, sigmaY=sigma)
        return results


@TRANSFORMS.register_module()
class Solarization(BaseTransform):
    """Invert every pixel value >= ``threshold`` (``v -> 255 - v``), with probability ``prob``.

    BYOL's second view (Grill et al. 2020, https://arxiv.org/abs/2006.07733) and DINO's use it;
    same rule as PIL's ``ImageOps.solarize``.

    Args:
        threshold: values at or above it are inverted. Default 128.
        prob: probability of solarizing. Default 0.2.
    """

    def __init__(self, threshold: int = 128, prob: float = 0.2) -> None:
        self.threshold, self.prob = int(threshold), float(prob)

    def transform(self, results: dict) -> dict:
        if get_rng(results).random() < self.prob:
            table = np.where(_IDENTITY >= self.threshold, 255.0 - _IDENTITY, _IDENTITY)
            results['img'] = _apply_lut(results['img'], table)
        return results
