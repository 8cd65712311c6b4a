"""MobileNetV2 backbone (Sandler et al., https://arxiv.org/abs/1801.04381).

The layers are torchvision's own, built by ``torchvision.models.mobilenet_v2(weights=None)``; only
its ``features`` are kept, so every parameter and buffer name (``features.0.0.weight``,
``features.1.conv.0.0.weight`` ...), the parameter count and the numbers equal torchvision's, and a
torchvision ``state_dict`` without its ``classifier.*`` keys loads with nothing left over.
"""
from collections.abc import Sequence

import torchvision

from easycv_like.errors import ConfigError
from easycv_like.registry import MODELS

from .sequential_features import SequentialFeaturesBackbone, norm_layer_factory


@MODELS.register_module()
class MobileNetV2(SequentialFeaturesBackbone):
    """MobileNetV2 returning the outputs of ``features[i]`` for ``i`` in ``out_indices``.

    ``features`` has 19 layers: the stem (0, stride 2), 17 inverted residual blocks (1-17; stride
    4 from 2, 8 from 4, 16 from 7, 32 from 14) and the final 1x1 convolution (18, 1280 channels
    for ``widen_factor <= 1``). ``out_channels[j]`` is the channel count of ``out_indices[j]``;
    ``channels_of(i)`` and ``stride_of(i)`` answer for any layer.

    Args:
        widen_factor: width multiplier of every layer (torchvision's ``width_mult``); channels
            are rounded to multiples of 8. Default 1.0.
        out_indices: indices into ``features`` (negative count from the end). Default None:
            the last layer only.
        frozen_stages: freeze ``features[0] .. features[frozen_stages]``; -1 nothing. Default -1.
        norm_eval: keep every BN layer in eval mode while training. Default False.
        norm_cfg: mmcv norm config of every norm layer, e.g. ``dict(type='SyncBN')``.
            Default ``dict(type='BN', eps=1e-5, momentum=0.1)`` (torchvision's).
        init_cfg: mmengine init config. Default None (torchvision's initialisation).
    """

    def __init__(self, widen_factor: float = 1.0, out_indices: Sequence[int] | None = None,
                 frozen_stages: int = -1, norm_eval: bool = False,
                 norm_cfg: dict | None = None, init_cfg: dict | None = None):
        if not isinstance(widen_factor, (int, float)) or widen_factor <= 0:
            raise ConfigError(f'MobileNetV2 widen_factor must be a positive number, got '
                              f'{widen_factor!r}')
        norm_cfg = norm_cfg or dict(type='BN', eps=1e-5, momentum=0.1)
        reference = torchvision.models.mobilenet_v2(weights=None, width_mult=widen_factor,
                                                    norm_layer=norm_layer_factory(norm_cfg))
        super().__init__(reference.features, out_indices, frozen_stages, norm_eval, init_cfg)
        self.widen_factor = widen_factor
