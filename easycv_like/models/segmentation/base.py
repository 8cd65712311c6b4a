"""``BaseSegmentor``: the one place that routes forward modes for semantic segmentors and maps
their label maps back to the original images.

Subclasses build their parts and implement ``loss`` and ``seg_logits``; they never override
``forward`` or ``predict``.
"""
from typing import Dict, List, Optional, Union

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from torch import nn

from ..detection.base import build_dense_preprocessor, sample_geometry
from ..dense_mode_routing import DenseModeRouting
from ..loss_terms import NonFiniteTermsMixin


def image_region(geometry: dict) -> tuple:
    """``(top, left, height, width)`` of the (resized) image inside the batch input."""
    left, top = geometry['offset']
    w_scale, h_scale = geometry['scale_factor']
    height, width = geometry['ori_shape']
    return (int(round(top)), int(round(left)), max(1, int(round(height * h_scale))),
            max(1, int(round(width * w_scale))))


def map_to_original(maps: torch.Tensor, geometry: dict, mode: str) -> torch.Tensor:
    """C x H x W maps over the batch input -> C x h x w over the original image: crop the image
    region (padding removed), resize to ``ori_shape`` (``mode``: 'bilinear' for logits,
    'nearest' for labels), mirror back if the input was flipped."""
    top, left, height, width = image_region(geometry)
    region = maps[:, top:top + height, left:left + width]
    if region.shape[-2:] != (height, width):
        raise ValueError(f'The image region {(top, left, height, width)} (from pad offset and '
                         f'scale_factor) leaves the batch input of {tuple(maps.shape[-2:])}.')
    out_shape = tuple(geometry['ori_shape'])
    if region.shape[-2:] != out_shape:
        kwargs = dict(align_corners=False) if mode == 'bilinear' else {}
        region = F.interpolate(region[None].float(), size=out_shape, mode=mode, **kwargs)[0]
    return region.flip(-1) if geometry['flip'] else region


class BaseSegmentor(DenseModeRouting, NonFiniteTermsMixin, BaseModel):
    """Base of every semantic segmentor.

    Modes: ``'loss'`` -> :meth:`loss` (dict of losses); ``'tensor'`` -> :meth:`seg_logits`
    (N x C x h x w, for export); ``'predict'`` -> one dict per image: ``pred_seg_map`` (H x W
    class indices at the original image's size: logits upsampled to the batch input (cropped
    to the image's own padded size by ``DenseModeRouting``), padding removed, resized to
    ``ori_shape``, flip undone; uint8, int64 past 255 classes), the sample's ``gt_seg_map``
    mapped back the same way (nearest; exact when the evaluation pipeline does not rescale it),
    ``img_id`` and ``sample_idx`` (what ``SegmentationEvaluator`` reads).

    Args:
        data_preprocessor: config/module; default ``DenseDataPreprocessor()``.
        init_cfg: mmengine init config.
    """

    tensor_method = 'seg_logits'

    def __init__(self, data_preprocessor: Union[dict, nn.Module, None] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(data_preprocessor=build_dense_preprocessor(data_preprocessor),
                         init_cfg=init_cfg)

    def loss(self, inputs: torch.Tensor, data_samples: List[dict]) -> Dict[str, torch.Tensor]:
        """Images N x C x H x W and per-sample ``gt_seg_map`` (H x W, 255 = ignore) -> losses."""
        raise NotImplementedError

    def seg_logits(self, inputs: torch.Tensor) -> torch.Tensor:
        """Images N x C x H x W -> class logits N x K x h x w (any output stride)."""
        raise NotImplementedError

    @torch.no_grad()
    def predict(self, inputs: torch.Tensor,
                data_samples: Optional[List[dict]] = None) -> List[dict]:
        samples = data_samples if data_samples is not None else [{} for _ in range(len(inputs))]
        logits = self.seg_logits(inputs)
        if logits.shape[-2:] != inputs.shape[-2:]:
            logits = F.interpolate(logits.float(), size=inputs.shape[-2:], mode='bilinear',
                                   align_corners=False)  # N x K x H x W
        dtype = torch.uint8 if logits.shape[1] <= 255 else torch.int64
        results = []
        for i, (logit, sample) in enumerate(zip(logits, samples)):
            geometry = sample_geometry(sample, inputs.shape[-2:])
            result = dict(pred_seg_map=map_to_original(logit, geometry, 'bilinear')
                          .argmax(0).to(dtype).cpu(),
                          img_id=int(sample.get('img_id', -1)),
                          sample_idx=int(sample.get('sample_idx', i)))
            gt = sample.get('gt_seg_map')
            if gt is not None:
                result['gt_seg_map'] = map_to_original(gt[None], geometry,
                                                       'nearest')[0].to(torch.uint8).cpu()
            results.append(result)
        return results
