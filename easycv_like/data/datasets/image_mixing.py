"""``Mosaic`` and ``MixUp``: combine a sample with partner samples (the YOLOX recipe).

They are not pipeline transforms: they need partners, which ``MixedImagesDataset`` loads and
chooses with the sample's own generator. Boxes and seg maps move with the pixels
(``targets.py``); images without boxes take part like any other.
"""
from collections.abc import Sequence
from typing import Union

import cv2
import numpy as np

from easycv_like.data.transforms.detection import fill_values
from easycv_like.data.transforms.geometry import resize_image
from easycv_like.data.transforms.targets import (BOX_KEYS, SEG_KEY, check_targets, crop_targets,
                                                 crop_with_fill, filled, flip_targets,
                                                 resize_targets)
from easycv_like.utils.sizes import as_pair

Scale = Union[int, Sequence[int]]


def _fit(results: dict, height: int, width: int, factor: float = 1.0) -> None:
    """Resize the sample, keeping its aspect ratio, to fit ``height`` x ``width`` (times
    ``factor``)."""
    img = results['img']
    scale = factor * min(height / img.shape[0], width / img.shape[1])
    new_h, new_w = max(1, int(img.shape[0] * scale)), max(1, int(img.shape[1] * scale))
    results['img'] = resize_image(img, new_h, new_w, cv2.INTER_LINEAR)
    resize_targets(results, img.shape[:2], new_h, new_w)


def _boxes_of(results: dict) -> dict:
    count = 0 if results.get('gt_bboxes') is None else len(results['gt_bboxes'])
    defaults = {'gt_bboxes': np.zeros((0, 4), np.float32), 'gt_labels': np.zeros(0, np.int64),
                'gt_ignore': np.zeros(count, bool)}
    return {key: np.asarray(results[key]) if results.get(key) is not None else defaults[key]
            for key in BOX_KEYS}


def _concat_boxes(target: dict, parts: list) -> None:
    merged = [_boxes_of(part) for part in parts]
    target['gt_bboxes'] = np.concatenate([m['gt_bboxes'] for m in merged]).astype(np.float32)
    target['gt_labels'] = np.concatenate([m['gt_labels'] for m in merged]).astype(np.int64)
    target['gt_ignore'] = np.concatenate([m['gt_ignore'] for m in merged]).astype(bool)


class Mosaic:
    """Four samples around a random centre of a ``2h x 2w`` canvas.

    Each sample is resized to fit ``img_scale`` and placed in one quadrant with a corner at the
    centre (the main sample top-left); what leaves the canvas is cut, with its boxes clipped.
    Follow it with ``RandomAffine(border=(-h // 2, -w // 2))`` to get back to ``h x w``.

    Args:
        img_scale: (h, w) of one quadrant's image, or an int.
        prob: probability of making a mosaic.
        pad_value: canvas fill (seg maps: 255).
    """

    def __init__(self, img_scale: Scale = 640, prob: float = 1.0, pad_value: int = 114) -> None:
        self.img_scale, self.prob, self.pad_value = as_pair(img_scale), float(prob), pad_value

    def __call__(self, main: dict, partners: Sequence[dict], rng: np.random.Generator) -> dict:
        if len(partners) != 3:
            raise ValueError(f'Mosaic needs 3 partners, got {len(partners)}.')
        h, w = self.img_scale
        cx, cy = int(rng.uniform(0.5 * w, 1.5 * w)), int(rng.uniform(0.5 * h, 1.5 * h))
        samples = [main, *partners]
        with_seg = main.get(SEG_KEY) is not None
        canvas = filled((2 * h, 2 * w, main['img'].shape[2]),
                        fill_values(self.pad_value, main['img'].shape[2]), np.uint8)
        seg = np.full((2 * h, 2 * w), 255, np.uint8) if with_seg else None
        for quadrant, sample in enumerate(samples):
            check_targets(sample, 'Mosaic')
            if (sample.get(SEG_KEY) is not None) != with_seg:
                raise ValueError('Mosaic: either every sample has a gt_seg_map or none does.')
            _fit(sample, h, w)
            nh, nw = sample['img'].shape[:2]
            left = cx - nw if quadrant in (0, 2) else cx
            top = cy - nh if quadrant in (0, 1) else cy
            y0, y1 = max(top, 0), min(top + nh, 2 * h)
            x0, x1 = max(left, 0), min(left + nw, 2 * w)
            canvas[y0:y1, x0:x1] = sample['img'][y0 - top:y1 - top, x0 - left:x1 - left]
            crop_targets(sample, -top, -left, 2 * h, 2 * w)
            if with_seg:
                seg[y0:y1, x0:x1] = sample[SEG_KEY][y0:y1, x0:x1]
        out = dict(main, img=canvas, img_shape=(2 * h, 2 * w))
        _concat_boxes(out, samples)
        if with_seg:
            out[SEG_KEY] = seg
        return out


class MixUp:
    """Blend a sample half-and-half with a resized, jittered, maybe flipped partner.

    The partner is resized to fit ``img_scale`` times a factor drawn in ``ratio_range``, flipped
    with probability ``flip_prob``, and a random window of the main image's size is cut from it
    (padded with ``pad_value`` where it is smaller); the boxes of both are kept.

    Args:
        img_scale: (h, w) the partner is fitted to, or an int.
        ratio_range: range of the extra scale jitter.
        flip_prob: probability of mirroring the partner.
        prob: probability of mixing.
        pad_value: fill where the partner does not cover the window.
    """

    def __init__(self, img_scale: Scale = 640, ratio_range: Sequence[float] = (0.5, 1.5),
                 flip_prob: float = 0.5, prob: float = 1.0, pad_value: int = 114) -> None:
        self.img_scale = as_pair(img_scale)
        self.ratio_range = (float(ratio_range[0]), float(ratio_range[1]))
        self.flip_prob, self.prob, self.pad_value = float(flip_prob), float(prob), pad_value

    def __call__(self, main: dict, partner: dict, rng: np.random.Generator) -> dict:
        for sample in (main, partner):
            check_targets(sample, 'MixUp')
            if sample.get(SEG_KEY) is not None:
                raise ValueError('MixUp blends two images; their seg maps cannot be blended. '
                                 'Use Mosaic only for segmentation.')
        _fit(partner, *self.img_scale, factor=rng.uniform(*self.ratio_range))
        if rng.random() < self.flip_prob:
            partner['img'] = np.ascontiguousarray(partner['img'][:, ::-1])
            flip_targets(partner, partner['img'].shape[1])
        height, width = main['img'].shape[:2]
        ph, pw = partner['img'].shape[:2]
        top = int(rng.integers(0, max(ph - height, 0) + 1))
        left = int(rng.integers(0, max(pw - width, 0) + 1))
        window = crop_with_fill(partner['img'], top, left, height, width,
                                fill_values(self.pad_value, partner['img'].shape[2]))
        crop_targets(partner, top, left, height, width)
        blended = (main['img'].astype(np.uint16) + window.astype(np.uint16) + 1) // 2
        out = dict(main, img=blended.astype(np.uint8))
        _concat_boxes(out, [main, partner])
        return out
