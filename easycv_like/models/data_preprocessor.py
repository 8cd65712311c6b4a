"""Batch preparation on the model's device: transfer, float conversion, normalisation, layout.

This is the only place images are normalised: data workers (torch or DALI) ship uint8.
"""
from collections.abc import Sequence

import torch
from mmengine.model import BaseDataPreprocessor

from easycv_like.errors import ConfigError
from easycv_like.registry import MODELS


@MODELS.register_module()
class ClsDataPreprocessor(BaseDataPreprocessor):
    """Move a collated batch to the device and normalise its images, one view or several.

    ``forward`` takes ``{'inputs': N x C x H x W tensor or a list of them (one per view),
    'data_samples': ...}`` and returns the same structure with every image tensor float32,
    ``(x - mean) / std`` per channel, optionally in ``channels_last`` memory format.

    Args:
        mean: per-channel mean subtracted, on the 0-255 scale.
            Default (123.675, 116.28, 103.53) (ImageNet RGB).
        std: per-channel standard deviation divided by, on the 0-255 scale.
            Default (58.395, 57.12, 57.375).
        channels_last: return inputs in ``torch.channels_last`` memory format. Default False.
    """

    def __init__(self, mean: Sequence[float] = (123.675, 116.28, 103.53),
                 std: Sequence[float] = (58.395, 57.12, 57.375),
                 channels_last: bool = False):
        super().__init__()
        if len(mean) != len(std):
            raise ConfigError(f'mean and std need one value per channel, got {mean} and {std}')
        self.channels_last = channels_last
        self.register_buffer('mean', torch.tensor(mean, dtype=torch.float32).view(-1, 1, 1),
                             persistent=False)  # C x 1 x 1
        self.register_buffer('std', torch.tensor(std, dtype=torch.float32).view(-1, 1, 1),
                             persistent=False)  # C x 1 x 1

    def normalize(self, images: torch.Tensor) -> torch.Tensor:
        """N x C x H x W (any dtype) -> normalised float32 N x C x H x W."""
        if images.ndim != 4 or images.shape[1] != self.mean.shape[0]:
            raise ValueError(f'expected inputs N x {self.mean.shape[0]} x H x W, '
                             f'got {tuple(images.shape)}')
        images = (images.float() - self.mean) / self.std
        if self.channels_last:
            images = images.contiguous(memory_format=torch.channels_last)
        return images

    def forward(self, data: dict, training: bool = False) -> dict:
        """Return ``{'inputs': normalised tensor or list of them, 'data_samples': ...}``."""
        data = self.cast_data(data)
        inputs = data['inputs']
        if isinstance(inputs, torch.Tensor):
            inputs = self.normalize(inputs)
        else:
            inputs = [self.normalize(view) for view in inputs]
        return {'inputs': inputs, 'data_samples': data.get('data_samples')}
