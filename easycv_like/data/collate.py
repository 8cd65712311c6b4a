"""``pad_collate``: batches dense-task items whose images differ in size.

Images are padded bottom / right to the batch's largest height and width rounded up to
``size_divisor``; seg maps are padded the same way with 255 (ignore); variable-length targets stay
per-sample. Classification keeps mmengine's ``default_collate``.
"""
import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F

from easycv_like.registry import FUNCTIONS


def _round_up(size: int, divisor: int) -> int:
    return math.ceil(size / divisor) * divisor


@FUNCTIONS.register_module()
def pad_collate(batch: Sequence[dict], size_divisor: int = 32, pad_value: int = 0,
                seg_pad_value: int = 255) -> dict:
    """Stack ``{'inputs': C x H x W tensor, 'data_samples': dict}`` items into one batch.

    Args:
        batch: dataset items.
        size_divisor: the padded height and width are multiples of it (1: no rounding).
        pad_value: fill of the padded image area (114 for YOLOX).
        seg_pad_value: fill of the padded seg map area.

    Returns:
        ``{'inputs': N x C x Hmax x Wmax tensor, 'data_samples': list of dicts}``; every sample
        dict (a copy) gets ``batch_input_shape`` = (Hmax, Wmax) and ``alone_input_shape``, the
        (H, W) its image would be padded to in a batch of its own (what dense models predict
        on, so that a prediction does not depend on the other images of the batch).
    """
    if int(size_divisor) < 1:
        raise ValueError(f'pad_collate: size_divisor must be >= 1, got {size_divisor}.')
    images = [item['inputs'] for item in batch]
    for i, img in enumerate(images):
        if not isinstance(img, torch.Tensor) or img.ndim != 3:
            raise TypeError(f'pad_collate: item {i} inputs must be a C x H x W tensor, got '
                            f'{type(img).__name__} {getattr(img, "shape", "")}; multi-view items '
                            'use default_collate.')
        if img.shape[0] != images[0].shape[0] or img.dtype != images[0].dtype:
            raise ValueError(f'pad_collate: item {i} has {img.shape[0]} channels of '
                             f'{img.dtype}, item 0 {images[0].shape[0]} of {images[0].dtype}.')
    alone = [(_round_up(img.shape[1], size_divisor), _round_up(img.shape[2], size_divisor))
             for img in images]
    height, width = max(h for h, _ in alone), max(w for _, w in alone)
    inputs = images[0].new_full((len(images), images[0].shape[0], height, width), pad_value)
    samples = []
    for i, (img, item) in enumerate(zip(images, batch)):
        inputs[i, :, :img.shape[1], :img.shape[2]] = img
        sample = dict(item.get('data_samples') or {})
        sample['batch_input_shape'] = (height, width)
        sample['alone_input_shape'] = alone[i]
        seg = sample.get('gt_seg_map')
        if seg is not None:
            sample['gt_seg_map'] = F.pad(seg, (0, width - seg.shape[-1], 0,
                                               height - seg.shape[-2]), value=seg_pad_value)
        samples.append(sample)
    return {'inputs': inputs, 'data_samples': samples}
