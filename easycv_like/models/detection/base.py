"""``BaseDetector``: the one place that routes forward modes for detectors and maps their boxes
back to the original images.

Subclasses build their parts and implement ``loss``, ``head_outputs`` and ``predict_boxes``; they
never override ``forward`` or ``predict``.
"""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
from mmengine.model import BaseModel
from torch import nn

from ..dense_data_preprocessor import DenseDataPreprocessor
from ..dense_mode_routing import DenseModeRouting
from ..loss_terms import NonFiniteTermsMixin
from ...registry import MODELS

Detections = Tuple[torch.Tensor, torch.Tensor, torch.Tensor]


def build_dense_preprocessor(cfg: Union[dict, nn.Module, None]) -> nn.Module:
    """Config, module, or None for ``DenseDataPreprocessor()``."""
    if cfg is None:
        return DenseDataPreprocessor()
    return cfg if isinstance(cfg, nn.Module) else MODELS.build(cfg)


def sample_geometry(sample: dict, input_shape: Sequence[int]) -> dict:
    """A sample's geometry record, with the neutral values where keys are missing (a batch built
    without a pipeline: the input is the original image)."""
    shape = tuple(int(v) for v in input_shape)
    pad = sample.get('pad') or {'offset': (0, 0)}
    return dict(ori_shape=tuple(int(v) for v in sample.get('ori_shape', shape)),
                scale_factor=tuple(float(v) for v in sample.get('scale_factor', (1.0, 1.0))),
                offset=tuple(float(v) for v in pad['offset']),
                flip=bool(sample.get('flip', False)))


def boxes_to_original(bboxes: torch.Tensor, geometry: dict) -> torch.Tensor:
    """K x 4 xyxy boxes in batch-input pixels -> the original image's pixels: subtract the pad
    offset, divide by ``scale_factor``, mirror back if the input was flipped (the transforms keep
    the offset right for a flip before or after padding), clip to ``ori_shape``."""
    left, top = geometry['offset']
    w_scale, h_scale = geometry['scale_factor']
    height, width = geometry['ori_shape']
    boxes = (bboxes.float() - bboxes.new_tensor([left, top, left, top]).float()) / \
        bboxes.new_tensor([w_scale, h_scale, w_scale, h_scale]).float()
    if geometry['flip']:
        boxes = torch.stack([width - boxes[:, 2], boxes[:, 1], width - boxes[:, 0],
                             boxes[:, 3]], dim=1)
    boxes[:, 0::2] = boxes[:, 0::2].clamp(0, width)
    boxes[:, 1::2] = boxes[:, 1::2].clamp(0, height)
    return boxes


class BaseDetector(DenseModeRouting, NonFiniteTermsMixin, BaseModel):
    """Base of every detector.

    Modes: ``'loss'`` -> :meth:`loss` (dict of losses, the rule of ``models/loss_terms.py``);
    ``'tensor'`` -> :meth:`head_outputs` (raw head outputs, for export); ``'predict'`` -> one
    dict per image: ``bboxes`` float32 K x 4 xyxy in the original image's pixels, ``scores``
    float32 K, ``labels`` int64 K (contiguous), ``img_id``, ``sample_idx`` (CPU tensors / ints;
    what ``CocoDetectionEvaluator`` and the predictors read). Boxes left without area by the
    clipping (predicted on padding) are dropped.

    Args:
        data_preprocessor: config/module; default ``DenseDataPreprocessor()``.
        init_cfg: mmengine init config.
    """

    def __init__(self, data_preprocessor: Union[dict, nn.Module, None] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(data_preprocessor=build_dense_preprocessor(data_preprocessor),
                         init_cfg=init_cfg)

    def loss(self, inputs: torch.Tensor, data_samples: List[dict]) -> Dict[str, torch.Tensor]:
        """Images N x C x H x W and per-sample targets (``gt_bboxes``, ``gt_labels``,
        ``gt_ignore``, in batch-input pixels) -> dict of losses."""
        raise NotImplementedError

    def head_outputs(self, inputs: torch.Tensor):
        """Images -> the raw head outputs (no decoding, no NMS)."""
        raise NotImplementedError

    def predict_boxes(self, inputs: torch.Tensor, data_samples: List[dict]) -> List[Detections]:
        """Images -> per image ``(bboxes K x 4 xyxy in batch-input pixels, scores K, labels K)``
        after decoding and NMS."""
        raise NotImplementedError

    @torch.no_grad()
    def predict(self, inputs: torch.Tensor,
                data_samples: Optional[List[dict]] = None) -> List[dict]:
        samples = data_samples if data_samples is not None else [{} for _ in range(len(inputs))]
        detections = self.predict_boxes(inputs, samples)
        if len(detections) != len(samples):
            raise ValueError(f'{type(self).__name__}.predict_boxes returned {len(detections)} '
                             f'results for {len(samples)} images.')
        results = []
        for i, ((bboxes, scores, labels), sample) in enumerate(zip(detections, samples)):
            boxes = boxes_to_original(bboxes.detach().reshape(-1, 4),
                                      sample_geometry(sample, inputs.shape[-2:]))
            keep = (boxes[:, 2] > boxes[:, 0]) & (boxes[:, 3] > boxes[:, 1])
            results.append(dict(
                bboxes=boxes[keep].float().cpu(),
                scores=scores.detach().reshape(-1)[keep].float().cpu(),
                labels=labels.detach().reshape(-1)[keep].long().cpu(),
                img_id=int(sample.get('img_id', -1)),
                sample_idx=int(sample.get('sample_idx', i))))
        return results
