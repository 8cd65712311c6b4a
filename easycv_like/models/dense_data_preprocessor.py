"""``DenseDataPreprocessor``: the device side of detection and segmentation batches (the
"Dense tasks" contract of docs/contracts.md): transfer, channel order, normalisation and
batch-level multi-scale resizing."""
from collections.abc import Sequence
from typing import Optional

import torch
from mmengine.logging import MessageHub
from mmengine.model import BaseDataPreprocessor

from easycv_like.errors import ConfigError
from easycv_like.registry import MODELS

from .batch_resize import BatchResize


@MODELS.register_module()
class DenseDataPreprocessor(BaseDataPreprocessor):
    """Take a ``pad_collate`` batch ``{'inputs': uint8 N x C x H x W, 'data_samples': list of
    dicts}`` to the device: images float32 (RGB -> BGR if asked, normalised if asked), every
    per-sample target tensor (``gt_bboxes``, ``gt_labels``, ``gt_ignore``, ``gt_seg_map``) moved
    too. In training, ``batch_resize`` resizes the whole batch to a size drawn from
    (seed, iteration) and scales boxes, seg maps and each sample's ``scale_factor`` with it.

    Args:
        mean: per-channel mean on the 0-255 scale (in the output channel order), or None with
            ``std=None`` for unnormalised input (YOLOX). Default ImageNet RGB.
        std: per-channel standard deviation, or None. Default ImageNet RGB.
        to_bgr: reverse the channel order (loaders ship RGB). Default False.
        batch_resize: ``dict(sizes=[(h, w), ...] or size_range=(low, high), size_divisor=32,
            interval=10, seed=0)`` (see ``BatchResize``), or None. Default None.
        channels_last: return inputs in ``torch.channels_last`` memory format. Default False.
    """

    def __init__(self, mean: Optional[Sequence[float]] = (123.675, 116.28, 103.53),
                 std: Optional[Sequence[float]] = (58.395, 57.12, 57.375),
                 to_bgr: bool = False, batch_resize: Optional[dict] = None,
                 channels_last: bool = False) -> None:
        super().__init__()
        if (mean is None) != (std is None):
            raise ConfigError(f'mean and std are both values or both None, got mean={mean}, '
                              f'std={std}.')
        self.normalise = mean is not None
        if self.normalise:
            if len(mean) != len(std):
                raise ConfigError(f'mean and std need one value per channel, got {mean} and '
                                  f'{std}.')
            self.register_buffer('mean', torch.tensor(mean, dtype=torch.float32).view(-1, 1, 1),
                                 persistent=False)  # C x 1 x 1
            self.register_buffer('std', torch.tensor(std, dtype=torch.float32).view(-1, 1, 1),
                                 persistent=False)  # C x 1 x 1
        self.to_bgr = bool(to_bgr)
        self.batch_resize = BatchResize(**batch_resize) if batch_resize else None
        self.channels_last = channels_last

    def images(self, inputs: torch.Tensor) -> torch.Tensor:
        """uint8 N x C x H x W -> float32, channel order and normalisation applied."""
        if not isinstance(inputs, torch.Tensor) or inputs.ndim != 4:
            raise ValueError('DenseDataPreprocessor expects inputs as one N x C x H x W tensor '
                             f'(a pad_collate batch), got {type(inputs).__name__} '
                             f'{tuple(getattr(inputs, "shape", ()))}.')
        images = inputs.float()
        if self.to_bgr:
            if images.shape[1] != 3:
                raise ValueError(f'to_bgr needs 3 channels, got {images.shape[1]}.')
            images = images.flip(1)
        if self.normalise:
            if images.shape[1] != self.mean.shape[0]:
                raise ValueError(f'mean/std have {self.mean.shape[0]} channels, inputs '
                                 f'{images.shape[1]}.')
            images = (images - self.mean) / self.std
        return images

    def forward(self, data: dict, training: bool = False) -> dict:
        """Return ``{'inputs': float32 N x C x H' x W', 'data_samples': list of dicts}``."""
        data = self.cast_data(data)
        samples = data.get('data_samples')
        if samples is not None and (isinstance(samples, dict)
                                    or not all(isinstance(s, dict) for s in samples)):
            raise TypeError('DenseDataPreprocessor expects data_samples as a list of per-sample '
                            "dicts (use collate=dict(type='pad_collate') on the dataset entry), "
                            f'got {type(samples).__name__}.')
        images = self.images(data['inputs'])
        if samples is not None:
            samples = [dict(s) for s in samples]
        if training and self.batch_resize is not None:
            iteration = MessageHub.get_current_instance().get_info('iter', 0)
            images, samples = self.batch_resize(images, samples,
                                                self.batch_resize.size_at(iteration))
        if self.channels_last:
            images = images.contiguous(memory_format=torch.channels_last)
        return {'inputs': images, 'data_samples': samples}
