"""``forward`` of the dense-task bases, written once: detectors and segmentors only implement
``loss``, ``predict`` and the raw outputs that ``mode='tensor'`` returns (for export)."""
from typing import List, Optional

import torch

from ..utils.shape_groups import group_by_shape


def _own_size_sample(sample: dict, index: int, shape: tuple) -> dict:
    """``sample`` for a batch input cropped to ``shape``: its padded seg map cropped the same
    way, ``sample_idx`` kept as the position in the whole batch when the sample has none."""
    sample = dict(sample, batch_input_shape=shape)
    sample.setdefault('sample_idx', index)
    seg = sample.get('gt_seg_map')
    if isinstance(seg, torch.Tensor):
        sample['gt_seg_map'] = seg[..., :shape[0], :shape[1]]
    return sample


class DenseModeRouting:
    """Route ``forward(inputs, data_samples, mode)``: ``'loss'`` -> ``self.loss`` (targets
    required), ``'predict'`` -> ``self.predict`` once per group of images of the same
    ``alone_input_shape`` (``pad_collate``), on the batch input cropped to it, ``'tensor'`` ->
    the method named by ``tensor_method`` (``head_outputs`` for detectors, ``seg_logits`` for
    segmentors).

    Predicting at each image's own padded size makes evaluation independent of the batch size
    and of which images share a batch: padding a small image up to a larger neighbour moves
    anything pooled over the whole input (LR-ASPP's and ASPP's image pooling) and the
    convolutions near its bottom / right edges. Training keeps the padded batch."""

    tensor_method = 'head_outputs'

    def forward(self, inputs: torch.Tensor, data_samples: Optional[List[dict]] = None,
                mode: str = 'tensor'):
        if mode == 'loss':
            if data_samples is None:
                raise ValueError(f'{type(self).__name__} loss needs data_samples (targets).')
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict_at_own_sizes(inputs, data_samples)
        if mode == 'tensor':
            return getattr(self, self.tensor_method)(inputs)
        raise ValueError(f"mode must be 'loss', 'predict' or 'tensor', got {mode!r}")

    def predict_at_own_sizes(self, inputs: torch.Tensor,
                             data_samples: Optional[List[dict]]) -> list:
        """``self.predict`` per ``alone_input_shape`` group (samples without one: the whole
        input), results in the order of ``data_samples``."""
        full = tuple(inputs.shape[-2:])
        shapes = [tuple(int(v) for v in s.get('alone_input_shape') or full)
                  for s in data_samples or ()]
        groups = group_by_shape(shapes)
        if len(groups) <= 1 and all(shape == full for shape in shapes):
            return self.predict(inputs, data_samples)
        results: list = [None] * len(shapes)
        for group in groups:
            height, width = shape = shapes[group[0]]
            if height > full[0] or width > full[1]:
                raise ValueError(f'Sample {group[0]} has alone_input_shape {shape}, larger than '
                                 f'the batch input {full}.')
            part = inputs[torch.tensor(group, device=inputs.device), :, :height, :width]
            outputs = self.predict(part, [_own_size_sample(data_samples[i], i, shape)
                                          for i in group])
            if len(outputs) != len(group):
                raise ValueError(f'{type(self).__name__}.predict returned {len(outputs)} '
                                 f'results for {len(group)} images.')
            for i, output in zip(group, outputs):
                results[i] = output
        return results
