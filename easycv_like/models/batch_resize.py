"""Batch-level multi-scale training (YOLOX): every ``interval`` iterations the whole batch is
resized to a new size drawn from (seed, iteration), so the choice is identical on every rank and
after a resume, without any communication or saved state."""
from typing import List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from easycv_like.errors import ConfigError
from easycv_like.utils.sizes import as_pair

Size = Tuple[int, int]


class BatchResize:
    """Choose and apply the training size of a batch.

    Args:
        sizes: candidate (h, w) sizes (or ints for squares), e.g. ``[(320, 320), (352, 352)]``.
        size_range: instead of ``sizes``: (smallest, largest) square side in pixels; every
            multiple of ``size_divisor`` in between is a candidate (YOLOX: (448, 832)).
        size_divisor: step of ``size_range``. Default 32.
        interval: iterations between two draws. Default 10.
        seed: seed of the draws. Default 0.
    """

    def __init__(self, sizes: Optional[Sequence] = None,
                 size_range: Optional[Sequence[int]] = None, size_divisor: int = 32,
                 interval: int = 10, seed: int = 0) -> None:
        if (sizes is None) == (size_range is None):
            raise ConfigError('batch_resize needs exactly one of sizes / size_range, got '
                             f'sizes={sizes!r}, size_range={size_range!r}.')
        if size_range is not None:
            low, high = (int(v) for v in size_range)
            if low % size_divisor or high % size_divisor or low > high or low <= 0:
                raise ConfigError(f'batch_resize.size_range {tuple(size_range)} must be two '
                                 f'positive multiples of size_divisor={size_divisor}, low <= high.')
            sizes = [(s, s) for s in range(low, high + 1, size_divisor)]
        self.sizes: List[Size] = [as_pair(s, 'batch_resize.sizes') for s in sizes]
        if not self.sizes:
            raise ConfigError('batch_resize.sizes is empty.')
        if int(interval) < 1:
            raise ConfigError(f'batch_resize.interval must be >= 1, got {interval}.')
        self.interval = int(interval)
        self.seed = int(seed)

    def size_at(self, iteration: int) -> Size:
        """The (h, w) of training iteration ``iteration`` (0-based): a function of
        (seed, iteration // interval) only."""
        rng = np.random.default_rng([self.seed, int(iteration) // self.interval])
        return self.sizes[int(rng.integers(len(self.sizes)))]

    def __call__(self, inputs: torch.Tensor, samples: Optional[List[dict]],
                 size: Size) -> Tuple[torch.Tensor, Optional[List[dict]]]:
        """Resize float N x C x H x W ``inputs`` (bilinear) to ``size``; scale each sample's
        boxes and geometry record, resize its seg map (nearest)."""
        height, width = inputs.shape[-2:]
        if (height, width) == tuple(size):
            return inputs, samples
        inputs = F.interpolate(inputs, size=size, mode='bilinear', align_corners=False)
        if samples is None:
            return inputs, None
        w_scale, h_scale = size[1] / width, size[0] / height
        return inputs, [_resize_sample(s, w_scale, h_scale, size) for s in samples]


def _resize_sample(sample: dict, w_scale: float, h_scale: float, size: Size) -> dict:
    sample = dict(sample)
    boxes = sample.get('gt_bboxes')
    if boxes is not None:
        sample['gt_bboxes'] = boxes * boxes.new_tensor([w_scale, h_scale, w_scale, h_scale])
    seg = sample.get('gt_seg_map')
    if seg is not None:  # already padded to the batch size by pad_collate
        sample['gt_seg_map'] = F.interpolate(seg[None, None].float(), size=size,
                                             mode='nearest')[0, 0].to(seg.dtype)
    sw, sh = sample.get('scale_factor', (1.0, 1.0))
    sample['scale_factor'] = (float(sw) * w_scale, float(sh) * h_scale)
    if 'img_shape' in sample:
        h, w = sample['img_shape']
        sample['img_shape'] = (int(round(h * h_scale)), int(round(w * w_scale)))
    pad = sample.get('pad')
    if pad is not None:
        (left, top), (h, w) = pad['offset'], pad['shape']
        sample['pad'] = {'offset': (left * w_scale, top * h_scale),
                         'shape': (int(round(h * h_scale)), int(round(w * w_scale)))}
    sample['batch_input_shape'] = tuple(size)
    sample.pop('alone_input_shape', None)  # resized as one batch: no image has its own size now
    return sample
