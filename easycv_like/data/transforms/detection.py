"""Box- and mask-aware geometric transforms of detection recipes: letterbox, pad, random affine
(YOLOX), random IoU crop and zoom-out (SSD), and the filter of degenerate boxes.

Each moves ``gt_bboxes`` / ``gt_seg_map`` with the pixels (``targets.py``) and draws randomness
only from ``results['rng']``; samples without boxes (K = 0) go through unchanged otherwise.
"""
import math
from collections.abc import Sequence
from typing import Optional, Union

import cv2
import numpy as np
import torch
from mmcv.transforms import BaseTransform
from torchvision.ops import box_iou

from easycv_like.data.transforms import boxes as box_ops
from easycv_like.data.transforms.geometry import cv2_interpolation, resize_image
from easycv_like.data.transforms.rng import get_rng
from easycv_like.data.transforms.targets import (check_targets, crop_targets, crop_with_fill,
                                                 pad_targets, resize_targets, select_boxes,
                                                 warp_pixels, warp_targets)
from easycv_like.errors import ConfigError
from easycv_like.utils.sizes import as_pair
from easycv_like.registry import TRANSFORMS

Fill = Union[int, Sequence[int]]


def fill_values(value: Fill, channels: int) -> tuple:
    """A pad value (one number, or one a channel) as a tuple of ``channels`` ints."""
    values = [value] * channels if isinstance(value, (int, float)) else list(value)
    if len(values) != channels:
        raise ValueError(f'A fill of {len(values)} values does not fit {channels} channels.')
    return tuple(int(v) for v in values)


def place_on_canvas(results: dict, top: int, left: int, height: int, width: int,
                    pad_value: Fill) -> None:
    """Put the image at (``left``, ``top``) of a ``height`` x ``width`` canvas of ``pad_value``."""
    img = results['img']
    results['img'] = crop_with_fill(img, -top, -left, height, width,
                                    fill_values(pad_value, img.shape[2]))
    pad_targets(results, top, left, height, width)


@TRANSFORMS.register_module()
class Letterbox(BaseTransform):
    """Resize keeping the aspect ratio to fit ``size``, then pad to exactly ``size``.

    Records ``scale_factor`` and ``pad`` (offset of the image on the canvas), so predictions map
    back to the original image: ``(xy - offset) / scale_factor``.

    Args:
        size: output (h, w), or an int for a square.
        pad_value: canvas fill, an int or one value per channel (114 for YOLOX).
        center: centre the image on the canvas (else top-left, as YOLOX does).
        interpolation: 'nearest', 'bilinear', 'bicubic', 'area' or 'lanczos'.
    """

    def __init__(self, size: Union[int, Sequence[int]], pad_value: Fill = 114,
                 center: bool = False, interpolation: str = 'bilinear') -> None:
        self.size = as_pair(size)
        self.pad_value = pad_value
        self.center = bool(center)
        self.interpolation = cv2_interpolation(interpolation)

    def transform(self, results: dict) -> dict:
        check_targets(results, 'Letterbox')
        img = results['img']
        out_h, out_w = self.size
        scale = min(out_h / img.shape[0], out_w / img.shape[1])
        new_h = min(out_h, max(1, int(round(img.shape[0] * scale))))
        new_w = min(out_w, max(1, int(round(img.shape[1] * scale))))
        results['img'] = resize_image(img, new_h, new_w, self.interpolation)
        resize_targets(results, img.shape[:2], new_h, new_w)
        top, left = ((out_h - new_h) // 2, (out_w - new_w) // 2) if self.center else (0, 0)
        place_on_canvas(results, top, left, out_h, out_w, self.pad_value)
        return results


@TRANSFORMS.register_module()
class Pad(BaseTransform):
    """Pad bottom / right to ``size`` or to the next multiple of ``size_divisor``.

    Args:
        size: (h, w) to pad to (an image larger than that is an error), or None.
        size_divisor: pad height and width up to multiples of it, or None.
        pad_value: image fill; the seg map is filled with 255.
    """

    def __init__(self, size: Optional[Union[int, Sequence[int]]] = None,
                 size_divisor: Optional[int] = None, pad_value: Fill = 0) -> None:
        if (size is None) == (size_divisor is None):
            raise ConfigError('Pad needs exactly one of size and size_divisor.')
        self.size = None if size is None else as_pair(size)
        self.size_divisor = size_divisor
        self.pad_value = pad_value

    def transform(self, results: dict) -> dict:
        check_targets(results, 'Pad')
        h, w = results['img'].shape[:2]
        if self.size is not None:
            out_h, out_w = self.size
            if h > out_h or w > out_w:
                raise ValueError(f'Pad: image {results.get("img_path")!r} is {h} x {w}, larger '
                                 f'than the pad size {self.size}; resize it first.')
        else:
            out_h = math.ceil(h / self.size_divisor) * self.size_divisor
            out_w = math.ceil(w / self.size_divisor) * self.size_divisor
        place_on_canvas(results, 0, 0, out_h, out_w, self.pad_value)
        return results


@TRANSFORMS.register_module()
class RandomAffine(BaseTransform):
    """Random rotation, scale, shear and translation in one warp (the YOLOX recipe).

    The output is the input size plus ``2 * border`` (YOLOX uses ``border=(-h/2, -w/2)`` after a
    2h x 2w mosaic to get back to h x w). Boxes become the box around their moved corners,
    clipped; boxes without area are dropped. The matrix is YOLOX's; the pixels are warped in
    continuous coordinates (``warp_pixels``), so they stay on the boxes (YOLOX's own warp puts
    them up to half a pixel off at its default ranges).

    Args:
        max_rotate_degree: rotation drawn in [-d, d] degrees.
        max_translate_ratio: translation drawn in [-t, t] of the output size.
        scaling_ratio_range: scale drawn uniformly in this range.
        max_shear_degree: shear angles drawn in [-d, d] degrees.
        border: (h, w) pixels added to each side of the output (negative shrinks it).
        pad_value: fill of pixels that come from outside the image.
    """

    def __init__(self, max_rotate_degree: float = 10.0, max_translate_ratio: float = 0.1,
                 scaling_ratio_range: Sequence[float] = (0.5, 1.5),
                 max_shear_degree: float = 2.0, border: Sequence[int] = (0, 0),
                 pad_value: Fill = 114) -> None:
        self.max_rotate_degree = float(max_rotate_degree)
        self.max_translate_ratio = float(max_translate_ratio)
        self.scaling_ratio_range = (float(scaling_ratio_range[0]), float(scaling_ratio_range[1]))
        self.max_shear_degree = float(max_shear_degree)
        self.border = (int(border[0]), int(border[1]))
        self.pad_value = pad_value

    def matrix(self, height: int, width: int, out_h: int, out_w: int,
               rng: np.random.Generator) -> np.ndarray:
        """The 3 x 3 matrix: centre the input at the origin, rotate and scale, shear, then move
        the origin to a randomly shifted centre of the output."""
        to_origin = np.array([[1, 0, -width / 2], [0, 1, -height / 2], [0, 0, 1]])
        angle = rng.uniform(-self.max_rotate_degree, self.max_rotate_degree)
        scale = rng.uniform(*self.scaling_ratio_range)
        rotate = np.eye(3)
        rotate[:2] = cv2.getRotationMatrix2D((0, 0), angle, scale)
        shear = np.eye(3)
        shear[0, 1] = math.tan(math.radians(rng.uniform(-self.max_shear_degree,
                                                        self.max_shear_degree)))
        shear[1, 0] = math.tan(math.radians(rng.uniform(-self.max_shear_degree,
                                                        self.max_shear_degree)))
        shift = self.max_translate_ratio
        move = np.array([[1, 0, (0.5 + rng.uniform(-shift, shift)) * out_w],
                         [0, 1, (0.5 + rng.uniform(-shift, shift)) * out_h], [0, 0, 1]])
        return move @ shear @ rotate @ to_origin

    def transform(self, results: dict) -> dict:
        check_targets(results, 'RandomAffine')
        img = results['img']
        out_h, out_w = img.shape[0] + 2 * self.border[0], img.shape[1] + 2 * self.border[1]
        if out_h < 1 or out_w < 1:
            raise ValueError(f'RandomAffine: border {self.border} leaves no output for an image '
                             f'of {img.shape[:2]}.')
        matrix = self.matrix(img.shape[0], img.shape[1], out_h, out_w, get_rng(results))
        results['img'] = warp_pixels(img, matrix, out_h, out_w, cv2.INTER_LINEAR,
                                     fill_values(self.pad_value, img.shape[2]))
        warp_targets(results, matrix, out_h, out_w)
        return results


@TRANSFORMS.register_module()
class RandomIoUCrop(BaseTransform):
    """The SSD crop: pick a minimum IoU (or "no crop"), then look for a crop that overlaps some
    box at least that much; boxes whose centre falls outside the crop are dropped.

    An image without boxes, or one where no crop is found within ``trials`` tries per draw and
    ``max_draws`` draws, is left uncropped.

    Args:
        min_ious: the IoU thresholds to choose from (a "no crop" option is always added).
        min_scale, max_scale: range of the crop's side as a fraction of the image's side.
        min_aspect, max_aspect: range of the crop's width / height.
        trials: crops tried per threshold drawn.
        max_draws: thresholds drawn before giving up.
    """

    def __init__(self, min_ious: Sequence[float] = (0.1, 0.3, 0.5, 0.7, 0.9),
                 min_scale: float = 0.3, max_scale: float = 1.0, min_aspect: float = 0.5,
                 max_aspect: float = 2.0, trials: int = 40, max_draws: int = 50) -> None:
        self.options = [None] + [float(v) for v in min_ious]
        self.scale = (float(min_scale), float(max_scale))
        self.aspect = (float(min_aspect), float(max_aspect))
        self.trials, self.max_draws = int(trials), int(max_draws)

    def find_crop(self, boxes: np.ndarray, height: int, width: int,
                  rng: np.random.Generator) -> Optional[tuple[int, int, int, int]]:
        """(top, left, h, w) of a crop meeting a drawn IoU threshold, or None for no crop."""
        centres = (boxes[:, :2] + boxes[:, 2:]) / 2
        for _ in range(self.max_draws):
            min_iou = self.options[int(rng.integers(len(self.options)))]
            if min_iou is None:
                return None
            for _ in range(self.trials):
                w = int(width * rng.uniform(*self.scale))
                h = int(height * rng.uniform(*self.scale))
                if h < 1 or w < 1 or not self.aspect[0] <= w / h <= self.aspect[1]:
                    continue
                left = int(rng.integers(0, width - w + 1))
                top = int(rng.integers(0, height - h + 1))
                inside = ((centres[:, 0] > left) & (centres[:, 0] < left + w)
                          & (centres[:, 1] > top) & (centres[:, 1] < top + h))
                if not inside.any():
                    continue
                crop = torch.tensor([[left, top, left + w, top + h]], dtype=torch.float32)
                if box_iou(crop, torch.from_numpy(boxes[inside])).max() >= min_iou:
                    return top, left, h, w
        return None

    def transform(self, results: dict) -> dict:
        check_targets(results, 'RandomIoUCrop')
        if results.get('gt_bboxes') is None or len(results['gt_bboxes']) == 0:
            return results
        boxes = box_ops.as_boxes(results['gt_bboxes'])
        img = results['img']
        window = self.find_crop(boxes, img.shape[0], img.shape[1], get_rng(results))
        if window is None:
            return results
        top, left, h, w = window
        centres = (boxes[:, :2] + boxes[:, 2:]) / 2
        select_boxes(results, (centres[:, 0] > left) & (centres[:, 0] < left + w)
                     & (centres[:, 1] > top) & (centres[:, 1] < top + h))
        results['img'] = np.ascontiguousarray(img[top:top + h, left:left + w])
        crop_targets(results, top, left, h, w)
        return results


@TRANSFORMS.register_module()
class ZoomOut(BaseTransform):
    """With probability ``prob``, put the image at a random place of a canvas up to
    ``max_ratio`` times larger (the SSD "expand"), so objects get smaller.

    Args:
        max_ratio: largest canvas side / image side.
        pad_value: canvas fill, an int or one value per channel (e.g. the dataset mean).
        prob: probability of zooming out.
    """

    def __init__(self, max_ratio: float = 4.0, pad_value: Fill = 114, prob: float = 0.5) -> None:
        if max_ratio < 1:
            raise ConfigError(f'ZoomOut max_ratio must be >= 1, got {max_ratio}.')
        self.max_ratio, self.pad_value, self.prob = float(max_ratio), pad_value, float(prob)

    def transform(self, results: dict) -> dict:
        check_targets(results, 'ZoomOut')
        rng = get_rng(results)
        if rng.random() >= self.prob:
            return results
        h, w = results['img'].shape[:2]
        ratio = rng.uniform(1.0, self.max_ratio)
        out_h, out_w = int(h * ratio), int(w * ratio)
        top, left = int(rng.integers(0, out_h - h + 1)), int(rng.integers(0, out_w - w + 1))
        place_on_canvas(results, top, left, out_h, out_w, self.pad_value)
        return results


@TRANSFORMS.register_module()
class FilterBoxes(BaseTransform):
    """Drop boxes (with their labels / ignore flags) narrower or lower than ``min_size`` pixels.

    Args:
        min_size: smallest width and height kept.
    """

    def __init__(self, min_size: float = 1.0) -> None:
        self.min_size = float(min_size)

    def transform(self, results: dict) -> dict:
        if results.get('gt_bboxes') is not None:
            boxes = box_ops.as_boxes(results['gt_bboxes'])
            widths, heights = box_ops.box_sizes(boxes)
            results['gt_bboxes'] = boxes
            select_boxes(results, (widths >= self.min_size) & (heights >= self.min_size))
        return results
