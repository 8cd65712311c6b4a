"""MobileNetV3 backbone (Howard et al., https://arxiv.org/abs/1905.02244), Large and Small.

The layers are torchvision's own, built by ``torchvision.models.mobilenet_v3_large`` /
``mobilenet_v3_small(weights=None, width_mult=..., dilated=...)``; only their ``features`` are
kept, so every parameter and buffer name (``features.0.0.weight``, ``features.4.block.2.fc1.weight``
...), the parameter count and the numbers equal torchvision's, and a torchvision ``state_dict``
without its ``classifier.*`` keys loads with nothing left over (with the classifier:
``heads/mobilenet_cls_head.py``).
"""
from collections.abc import Sequence

import torchvision

from easycv_like.errors import ConfigError
from easycv_like.registry import MODELS

from .sequential_features import SequentialFeaturesBackbone, norm_layer_factory

_BUILDERS = {'large': torchvision.models.mobilenet_v3_large,
             'small': torchvision.models.mobilenet_v3_small}


@MODELS.register_module()
class MobileNetV3(SequentialFeaturesBackbone):
    """MobileNetV3 returning the outputs of ``features[i]`` for ``i`` in ``out_indices``.

    ``features`` holds the stem (0, stride 2), the inverted residual blocks and the final 1x1
    convolution (the last index; 960 channels for Large, 576 for Small at width 1): 17 layers for
    Large (output strides 4 from 2, 8 from 4, 16 from 7, 32 from 13), 13 for Small (4 from 1, 8
    from 2, 16 from 4, 32 from 9). With ``dilated=True`` the last stage keeps stride 16 and
    dilates its depthwise convolutions by 2, as torchvision builds the backbone of its
    DeepLabV3 / LR-ASPP models. ``out_channels[j]`` is the channel count of ``out_indices[j]``;
    ``channels_of(i)`` and ``stride_of(i)`` answer for any layer; ``classifier_channels`` is the
    hidden width of torchvision's classifier (1280 Large, 1024 Small, times the width).

    Args:
        arch: ``'large'`` or ``'small'``. Default 'large'.
        widen_factor: width multiplier (torchvision's ``width_mult``); channels are rounded to
            multiples of 8. Default 1.0.
        dilated: output stride 16 (the last stage dilated instead of strided). Default False.
        out_indices: indices into ``features`` (negative count from the end). Default None:
            the last layer only.
        frozen_stages: freeze ``features[0] .. features[frozen_stages]``; -1 nothing. Default -1.
        norm_eval: keep every BN layer in eval mode while training. Default False.
        norm_cfg: mmcv norm config of every norm layer, e.g. ``dict(type='SyncBN', eps=0.001,
            momentum=0.01)``. Default ``dict(type='BN', eps=0.001, momentum=0.01)``
            (torchvision's; its slow momentum suits long runs, short demos want 0.1).
        init_cfg: mmengine init config. Default None (torchvision's initialisation).
    """

    def __init__(self, arch: str = 'large', widen_factor: float = 1.0, dilated: bool = False,
                 out_indices: Sequence[int] | None = None, frozen_stages: int = -1,
                 norm_eval: bool = False, norm_cfg: dict | None = None,
                 init_cfg: dict | None = None):
        if arch not in _BUILDERS:
            raise ConfigError(f"MobileNetV3 arch must be one of {sorted(_BUILDERS)}, got {arch!r}")
        if not isinstance(widen_factor, (int, float)) or widen_factor <= 0:
            raise ConfigError(f'MobileNetV3 widen_factor must be a positive number, got '
                              f'{widen_factor!r}')
        norm_cfg = norm_cfg or dict(type='BN', eps=0.001, momentum=0.01)
        reference = _BUILDERS[arch](weights=None, width_mult=widen_factor, dilated=dilated,
                                    norm_layer=norm_layer_factory(norm_cfg))
        super().__init__(reference.features, out_indices, frozen_stages, norm_eval, init_cfg)
        self.arch = arch
        self.widen_factor = widen_factor
        self.dilated = dilated
        self.classifier_channels = reference.classifier[0].out_features
