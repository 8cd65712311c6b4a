"""``forward`` of the dense-task bases, written once: detectors and segmentors only implement
``loss``, ``predict`` and the raw outputs that ``mode='tensor'`` returns (for export)."""
from typing import List, Optional

import torch


class DenseModeRouting:
    """Route ``forward(inputs, data_samples, mode)``: ``'loss'`` -> ``self.loss`` (targets
    required), ``'predict'`` -> ``self.predict``, ``'tensor'`` -> the method named by
    ``tensor_method`` (``head_outputs`` for detectors, ``seg_logits`` for segmentors)."""

    tensor_method = 'head_outputs'

    def forward(self, inputs: torch.Tensor, data_samples: Optional[List[dict]] = None,
                mode: str = 'tensor'):
        if mode == 'loss':
            if data_samples is None:
                raise ValueError(f'{type(self).__name__} loss needs data_samples (targets).')
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return getattr(self, self.tensor_method)(inputs)
        raise ValueError(f"mode must be 'loss', 'predict' or 'tensor', got {mode!r}")
