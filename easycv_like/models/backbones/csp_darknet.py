"""CSPDarknet: the YOLOX backbone (Ge et al., 2021, https://arxiv.org/abs/2107.08430)."""
from typing import Optional, Sequence

import torch
from mmengine.model import BaseModule
from torch import nn

from ...errors import ConfigError
from ...registry import MODELS
from .csp_layers import NORM_EPS, NORM_MOMENTUM, CSPLayer, Focus, SPPBottleneck, conv_block
from .global_pool import GlobalPoolMixin

STAGE_NAMES = ('stem', 'dark2', 'dark3', 'dark4', 'dark5')


@MODELS.register_module()
class CSPDarknet(GlobalPoolMixin, BaseModule):
    """Focus stem and four stride-2 stages of CSP layers, the last with an SPP bottleneck.

    Stage ``i`` (0 = ``stem`` .. 4 = ``dark5``) has stride ``2 ** (i + 1)`` and
    ``int(64 * widen_factor) * 2 ** i`` channels; the CSP layers hold
    ``max(round(3 * deepen_factor), 1)`` bottlenecks (three times that in ``dark3`` / ``dark4``).
    Module names are Megvii's, so its ``backbone.backbone.*`` weights load by name.

    Args:
        deepen_factor: depth multiplier (0.33 for nano / tiny / s, 0.67 m, 1.0 l, 1.33 x).
        widen_factor: width multiplier (0.25 nano, 0.375 tiny, 0.5 s, 0.75 m, 1.0 l, 1.25 x).
        out_indices: stages returned, in this order. Default (2, 3, 4): strides 8 / 16 / 32
            with (256, 512, 1024) x ``widen_factor`` channels.
        depthwise: depthwise-separable 3 x 3 convolutions (YOLOX-nano). Default False.
        act: ``'silu'``, ``'relu'`` or ``'lrelu'``. Default 'silu'.
        spp_kernel_sizes: max-pool sizes of the SPP bottleneck. Default (5, 9, 13).
        norm_eps: BatchNorm eps. Default 1e-3.
        norm_momentum: BatchNorm momentum, PyTorch's convention. Default 0.03.
        init_cfg: mmengine init config. Default None (PyTorch's default init, as Megvii's).
    """

    def __init__(self, deepen_factor: float = 1.0, widen_factor: float = 1.0,
                 out_indices: Sequence[int] = (2, 3, 4), depthwise: bool = False,
                 act: str = 'silu', spp_kernel_sizes: Sequence[int] = (5, 9, 13),
                 norm_eps: float = NORM_EPS, norm_momentum: float = NORM_MOMENTUM,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if not out_indices or any(i not in range(len(STAGE_NAMES)) for i in out_indices):
            raise ConfigError(f'CSPDarknet out_indices must be a non-empty subset of 0..4, '
                              f'got {out_indices}')
        if deepen_factor <= 0 or widen_factor <= 0:
            raise ConfigError(f'CSPDarknet deepen_factor and widen_factor must be > 0, got '
                              f'{deepen_factor} and {widen_factor}')
        self.out_indices = tuple(out_indices)
        base = int(64 * widen_factor)
        depth = max(round(deepen_factor * 3), 1)
        norm = dict(norm_eps=norm_eps, norm_momentum=norm_momentum)
        self.stem = Focus(3, base, kernel_size=3, act=act, **norm)
        for i, (blocks, shortcut) in enumerate([(depth, True), (depth * 3, True),
                                                (depth * 3, True), (depth, False)], start=1):
            in_ch, out_ch = base * 2 ** (i - 1), base * 2 ** i
            layers = [conv_block(in_ch, out_ch, 3, 2, depthwise, act, **norm)]
            if i == 4:
                layers.append(SPPBottleneck(out_ch, out_ch, spp_kernel_sizes, act, **norm))
            layers.append(CSPLayer(out_ch, out_ch, blocks, shortcut, depthwise=depthwise,
                                   act=act, **norm))
            self.add_module(STAGE_NAMES[i], nn.Sequential(*layers))
        self.out_channels = [base * 2 ** i for i in self.out_indices]

    def forward(self, x: torch.Tensor) -> tuple:
        """B x 3 x H x W -> the maps of ``out_indices`` (stage i: B x C_i x H/2^(i+1) x ...)."""
        outs = {}
        for i, name in enumerate(STAGE_NAMES[:max(self.out_indices) + 1]):
            x = getattr(self, name)(x)
            outs[i] = x
        return tuple(outs[i] for i in self.out_indices)
