"""A backbone whose layers are one ``nn.Sequential`` called ``features`` (torchvision's MobileNets).

Written once for MobileNetV2 and MobileNetV3: which layer outputs ``forward`` returns
(``out_indices``), their channels and strides, frozen leading layers, BN kept in eval mode, and the
``pool`` every backbone has. Subclasses only build ``self.features``.
"""
from collections.abc import Callable, Sequence

import torch
from mmengine.model import BaseModule
from mmcv.cnn import build_norm_layer
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm

from easycv_like.errors import ConfigError

from .global_pool import GlobalPoolMixin


def norm_layer_factory(norm_cfg: dict) -> Callable[[int], nn.Module]:
    """torchvision's ``norm_layer`` argument (channels -> module) from an mmcv norm config."""
    def build(num_features: int) -> nn.Module:
        return build_norm_layer(norm_cfg, num_features)[1]
    return build


def _layer_channels(layer: nn.Module) -> int:
    """Output channels of one ``features`` entry (torchvision sets ``out_channels`` on each)."""
    channels = getattr(layer, 'out_channels', None)
    if not isinstance(channels, int):
        raise TypeError(f'{type(layer).__name__} has no integer out_channels attribute')
    return channels


def _layer_stride(layer: nn.Module) -> int:
    """Spatial stride of one ``features`` entry: the product of its convolutions' strides."""
    stride = 1
    for module in layer.modules():
        if isinstance(module, nn.Conv2d):
            stride *= module.stride[0]
    return stride


class SequentialFeaturesBackbone(GlobalPoolMixin, BaseModule):
    """Base of the backbones built as ``self.features = nn.Sequential(...)``.

    ``forward`` returns the outputs of ``features[i]`` for ``i`` in ``out_indices`` as a tuple, in
    that order; ``out_channels[j]`` is the channel count of ``out_indices[j]``, and
    ``channels_of(i)`` / ``stride_of(i)`` answer for any index (seg heads pick their inputs).

    Args:
        features: the layers, named ``0, 1, ...`` as in torchvision.
        out_indices: indices into ``features`` whose outputs ``forward`` returns; negative
            indices count from the end. Default None: the last layer only.
        frozen_stages: freeze ``features[0] .. features[frozen_stages]`` (no gradients, BN in eval
            mode); -1 freezes nothing. Default -1.
        norm_eval: keep every BN layer in eval mode (frozen running statistics) while training.
            Default False.
        init_cfg: mmengine init config (e.g. ``dict(type='Pretrained', checkpoint=...)``).
    """

    def __init__(self, features: nn.Sequential, out_indices: Sequence[int] | None = None,
                 frozen_stages: int = -1, norm_eval: bool = False,
                 init_cfg: dict | None = None):
        super().__init__(init_cfg=init_cfg)
        self.features = features
        num = len(features)
        name = type(self).__name__
        indices = (num - 1,) if out_indices is None else tuple(out_indices)
        if not indices or any(not isinstance(i, int) or not -num <= i < num for i in indices):
            raise ConfigError(f'{name} out_indices must be a non-empty list of indices into its '
                             f'{num} feature layers (0..{num - 1}), got {out_indices}')
        if not isinstance(frozen_stages, int) or not -1 <= frozen_stages < num:
            raise ConfigError(f'{name} frozen_stages must be in -1..{num - 1}, got '
                             f'{frozen_stages}')
        self.out_indices = tuple(i % num for i in indices)
        self.frozen_stages = frozen_stages
        self.norm_eval = norm_eval
        self._channels = [_layer_channels(layer) for layer in features]
        strides, stride = [], 1
        for layer in features:
            stride *= _layer_stride(layer)
            strides.append(stride)
        self._strides = strides
        self.out_channels = [self._channels[i] for i in self.out_indices]
        self._freeze_stages()

    def channels_of(self, index: int) -> int:
        """Channels of ``features[index]``'s output."""
        return self._channels[index]

    def stride_of(self, index: int) -> int:
        """Output stride of ``features[index]`` relative to the input image (16 at most once
        dilated)."""
        return self._strides[index]

    def _freeze_stages(self) -> None:
        for layer in self.features[:self.frozen_stages + 1]:
            layer.eval()
            for param in layer.parameters():
                param.requires_grad = False

    def train(self, mode: bool = True) -> 'SequentialFeaturesBackbone':
        """Switch mode, keeping frozen layers (and every BN if ``norm_eval``) in eval mode."""
        super().train(mode)
        self._freeze_stages()
        if mode and self.norm_eval:
            for module in self.modules():
                if isinstance(module, _BatchNorm):
                    module.eval()
        return self

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        outs = {}
        last = max(self.out_indices)
        for i, layer in enumerate(self.features):
            x = layer(x)  # N x channels_of(i) x H / stride_of(i) x W / stride_of(i)
            if i in self.out_indices:
                outs[i] = x
            if i == last:
                break
        return tuple(outs[i] for i in self.out_indices)
