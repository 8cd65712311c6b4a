"""Colour transforms of detection recipes: YOLOX's HSV jitter and SSD's photometric distortion.

They change pixel values only, so they work on any sample (targets untouched), and draw
randomness only from ``results['rng']``.
"""
from collections.abc import Sequence

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from easycv_like.data.transforms.rng import get_rng
from easycv_like.registry import TRANSFORMS

_LEVELS = np.arange(256, dtype=np.float32)


def _lut(img: np.ndarray, table: np.ndarray) -> np.ndarray:
    return cv2.LUT(img, np.clip(np.round(table), 0, 255).astype(np.uint8))


def shift_hsv(img: np.ndarray, hue: float, saturation: float, value: float) -> np.ndarray:
    """Add ``hue`` (OpenCV units, 180 = full turn), ``saturation`` and ``value`` (0..255) to an
    RGB image's HSV channels; hue wraps around, the others saturate."""
    hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)
    h, s, v = cv2.split(hsv)
    h = _lut(h, np.mod(_LEVELS + hue, 180))
    s, v = _lut(s, _LEVELS + saturation), _lut(v, _LEVELS + value)
    return cv2.cvtColor(cv2.merge([h, s, v]), cv2.COLOR_HSV2RGB)


@TRANSFORMS.register_module()
class RandomHSV(BaseTransform):
    """Shift hue, saturation and value by amounts drawn uniformly in [-delta, delta].

    Args:
        hue_delta: largest hue shift in OpenCV units (180 = a full turn).
        saturation_delta: largest saturation shift (0..255 scale).
        value_delta: largest value (brightness) shift (0..255 scale).
    """

    def __init__(self, hue_delta: float = 5, saturation_delta: float = 30,
                 value_delta: float = 30) -> None:
        self.deltas = (float(hue_delta), float(saturation_delta), float(value_delta))

    def transform(self, results: dict) -> dict:
        rng = get_rng(results)
        shifts = [rng.uniform(-d, d) for d in self.deltas]
        results['img'] = shift_hsv(results['img'], *shifts)
        return results


@TRANSFORMS.register_module()
class PhotoMetricDistortion(BaseTransform):
    """SSD's distortion: brightness, contrast (before or after the rest), saturation and hue,
    each applied with probability 0.5.

    Args:
        brightness_delta: brightness shift drawn in [-delta, delta] (0..255 scale).
        contrast_range: contrast factor range.
        saturation_range: saturation factor range.
        hue_delta: hue shift drawn in [-delta, delta] (OpenCV units, 180 = a full turn).
    """

    def __init__(self, brightness_delta: float = 32,
                 contrast_range: Sequence[float] = (0.5, 1.5),
                 saturation_range: Sequence[float] = (0.5, 1.5), hue_delta: float = 18) -> None:
        self.brightness_delta = float(brightness_delta)
        self.contrast_range = (float(contrast_range[0]), float(contrast_range[1]))
        self.saturation_range = (float(saturation_range[0]), float(saturation_range[1]))
        self.hue_delta = float(hue_delta)

    def _contrast(self, img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        if rng.random() < 0.5:
            img = _lut(img, _LEVELS * rng.uniform(*self.contrast_range))
        return img

    def transform(self, results: dict) -> dict:
        rng = get_rng(results)
        img = results['img']
        if rng.random() < 0.5:
            img = _lut(img, _LEVELS + rng.uniform(-self.brightness_delta, self.brightness_delta))
        contrast_first = rng.random() < 0.5
        if contrast_first:
            img = self._contrast(img, rng)
        if rng.random() < 0.5:
            hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)
            hsv[..., 1] = _lut(hsv[..., 1], _LEVELS * rng.uniform(*self.saturation_range))
            img = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)
        if rng.random() < 0.5:
            img = shift_hsv(img, rng.uniform(-self.hue_delta, self.hue_delta), 0, 0)
        if not contrast_first:
            img = self._contrast(img, rng)
        results['img'] = img
        return results
