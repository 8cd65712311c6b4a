"""ResNet backbone (He et al., https://arxiv.org/abs/1512.03385) returning multi-stage features.

The blocks and the stride placement (stride on the 3x3 conv of the bottleneck, "ResNet v1.5")
follow torchvision, and so do the names of every parameter and buffer.

Loading torchvision weights
---------------------------
The key mapping from a torchvision ``ResNet.state_dict()`` to this backbone is the identity
(``conv1.weight``, ``bn1.running_mean``, ``layer1.0.conv1.weight``,
``layer2.0.downsample.0.weight``, ``layer2.0.downsample.1.weight`` ...) once the classifier keys
``fc.weight`` and ``fc.bias`` are dropped: this backbone has no classifier.
``load_torchvision_state_dict(backbone, state_dict)`` does exactly that and loads strictly.
With ``stem='small'`` the shape of ``conv1.weight`` differs (3x3 instead of 7x7), so torchvision
weights only load into the default stem.
"""
from collections.abc import Mapping, Sequence

import torch
from mmcv.cnn import build_norm_layer
from mmengine.model import BaseModule
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm

from easycv_like.errors import ConfigError
from easycv_like.registry import MODELS

from .global_pool import GlobalPoolMixin


def _norm(norm_cfg: dict, num_features: int) -> nn.Module:
    """Build one normalisation layer from an mmcv config (BN, SyncBN, GN ...)."""
    return build_norm_layer(norm_cfg, num_features)[1]


def _conv3x3(in_channels: int, out_channels: int, stride: int = 1,
             dilation: int = 1) -> nn.Conv2d:
    return nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=dilation,
                     dilation=dilation, bias=False)


def _conv1x1(in_channels: int, out_channels: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    """Two 3x3 convolutions with an identity (or projected) shortcut; ResNet-18/34.

    Args:
        in_channels: channels entering the block.
        channels: channels of the convolutions; the block outputs ``channels * expansion``.
        stride: stride of the first convolution. Default 1.
        downsample: projection of the shortcut when shape changes. Default None.
        norm_cfg: mmcv norm config. Default ``dict(type='BN')``.
        dilation: must be 1 (as in torchvision, basic blocks are not dilated).
    """

    expansion = 1

    def __init__(self, in_channels: int, channels: int, stride: int = 1,
                 downsample: nn.Module | None = None, norm_cfg: dict | None = None,
                 dilation: int = 1):
        super().__init__()
        if dilation != 1:
            raise ConfigError('ResNet-18/34 (BasicBlock) cannot be dilated; use depth >= 50 '
                              'with replace_stride_with_dilation')
        norm_cfg = norm_cfg or dict(type='BN')
        self.conv1 = _conv3x3(in_channels, channels, stride)
        self.bn1 = _norm(norm_cfg, channels)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = _conv3x3(channels, channels)
        self.bn2 = _norm(norm_cfg, channels)
        self.downsample = downsample

    @property
    def last_norm(self) -> nn.Module:
        return self.bn2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    """1x1 reduce, 3x3 (strided), 1x1 expand, with a shortcut; ResNet-50/101/152.

    Args:
        in_channels: channels entering the block.
        channels: width of the 3x3 convolution; the block outputs ``channels * expansion``.
        stride: stride of the 3x3 convolution. Default 1.
        downsample: projection of the shortcut when shape changes. Default None.
        norm_cfg: mmcv norm config. Default ``dict(type='BN')``.
        dilation: dilation (and padding) of the 3x3 convolution. Default 1.
    """

    expansion = 4

    def __init__(self, in_channels: int, channels: int, stride: int = 1,
                 downsample: nn.Module | None = None, norm_cfg: dict | None = None,
                 dilation: int = 1):
        super().__init__()
        norm_cfg = norm_cfg or dict(type='BN')
        self.conv1 = _conv1x1(in_channels, channels)
        self.bn1 = _norm(norm_cfg, channels)
        self.conv2 = _conv3x3(channels, channels, stride, dilation)
        self.bn2 = _norm(norm_cfg, channels)
        self.conv3 = _conv1x1(channels, channels * self.expansion)
        self.bn3 = _norm(norm_cfg, channels * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    @property
    def last_norm(self) -> nn.Module:
        return self.bn3

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + identity)


@MODELS.register_module()
class ResNet(GlobalPoolMixin, BaseModule):
    """ResNet backbone returning the feature maps of the stages in ``out_indices``.

    Paper: https://arxiv.org/abs/1512.03385. Stage ``i`` (0..3) is ``layer{i+1}`` and has
    ``out_channels[j]`` channels for ``i = out_indices[j]``; with the default stem its stride
    is ``4 * 2**i``, with the small stem ``2**i``, except that a stage whose stride is replaced
    by dilation keeps the previous stage's stride (output stride 8 for segmentation).

    Args:
        depth: 18, 34, 50, 101 or 152.
        in_channels: image channels. Default 3.
        stem: ``'default'`` (7x7 conv stride 2 + 3x3 max-pool stride 2) or ``'small'``
            (3x3 conv stride 1, no max-pool; for 32x32 images such as CIFAR). Default 'default'.
        out_indices: stages whose output ``forward`` returns, in this order. Default (3,).
        frozen_stages: freeze the stem and stages 1..k (no gradients, BN in eval mode);
            0 freezes only the stem, -1 nothing. Default -1.
        norm_cfg: mmcv norm config, e.g. ``dict(type='SyncBN')``.
            Default ``dict(type='BN', requires_grad=True)``.
        norm_eval: keep every BN layer in eval mode (frozen running statistics) during
            training. Default False.
        zero_init_residual: start the last BN of every block at gamma 0, so each residual
            branch starts as identity. Default False.
        replace_stride_with_dilation: for stages 1, 2, 3 (``layer2..4``), replace the stage's
            stride 2 with dilation, as torchvision does (``(False, True, True)``: output stride
            8 for FCN / DeepLabV3). Depth >= 50 only. Default (False, False, False).
        init_cfg: mmengine init config (e.g. ``dict(type='Pretrained', checkpoint=...)``),
            applied by ``init_weights``. Default None (the He init done at construction).
    """

    arch_settings = {
        18: (BasicBlock, (2, 2, 2, 2)),
        34: (BasicBlock, (3, 4, 6, 3)),
        50: (Bottleneck, (3, 4, 6, 3)),
        101: (Bottleneck, (3, 4, 23, 3)),
        152: (Bottleneck, (3, 8, 36, 3)),
    }

    def __init__(self, depth: int, in_channels: int = 3, stem: str = 'default',
                 out_indices: Sequence[int] = (3,), frozen_stages: int = -1,
                 norm_cfg: dict | None = None, norm_eval: bool = False,
                 zero_init_residual: bool = False,
                 replace_stride_with_dilation: Sequence[bool] = (False, False, False),
                 init_cfg: dict | None = None):
        super().__init__(init_cfg=init_cfg)
        if depth not in self.arch_settings:
            raise ConfigError(f'ResNet.depth must be one of {sorted(self.arch_settings)}, '
                              f'got {depth}.')
        if stem not in ('default', 'small'):
            raise ConfigError(f"ResNet stem must be 'default' or 'small', got {stem!r}")
        if not out_indices or any(i not in range(4) for i in out_indices):
            raise ConfigError(f'ResNet out_indices must be a non-empty subset of 0..3, '
                              f'got {out_indices}')
        if len(replace_stride_with_dilation) != 3:
            raise ConfigError('ResNet replace_stride_with_dilation needs 3 booleans (stages 1-3), '
                              f'got {replace_stride_with_dilation}')
        if frozen_stages not in range(-1, 5):
            raise ConfigError(f'ResNet frozen_stages must be in -1..4, got {frozen_stages}')
        norm_cfg = norm_cfg or dict(type='BN', requires_grad=True)
        block, num_blocks = self.arch_settings[depth]
        self.depth = depth
        self.out_indices = tuple(out_indices)
        self.frozen_stages = frozen_stages
        self.norm_eval = norm_eval

        if stem == 'small':
            self.conv1 = _conv3x3(in_channels, 64)
            self.maxpool = nn.Identity()
        else:
            self.conv1 = nn.Conv2d(in_channels, 64, 7, stride=2, padding=3, bias=False)
            self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.bn1 = _norm(norm_cfg, 64)
        self.relu = nn.ReLU(inplace=True)

        stage_channels, width, dilation = [], 64, 1
        for i, blocks in enumerate(num_blocks):
            channels, stride, first_dilation = 64 * 2**i, 1 if i == 0 else 2, dilation
            if i > 0 and replace_stride_with_dilation[i - 1]:
                dilation, stride = dilation * stride, 1
            stage, width = self._make_stage(block, width, channels, blocks, stride, norm_cfg,
                                            (first_dilation, dilation))
            self.add_module(f'layer{i + 1}', stage)
            stage_channels.append(width)
        self.out_channels = [stage_channels[i] for i in self.out_indices]

        self._init_parameters(zero_init_residual)
        self._freeze_stages()

    @staticmethod
    def _make_stage(block: type, in_channels: int, channels: int, blocks: int, stride: int,
                    norm_cfg: dict, dilations: tuple[int, int] = (1, 1)
                    ) -> tuple[nn.Sequential, int]:
        """Stack ``blocks`` blocks; the first one changes stride/width and keeps the previous
        dilation, the others use the stage's (torchvision's rule). Returns (stage, width)."""
        out_channels = channels * block.expansion
        downsample = None
        if stride != 1 or in_channels != out_channels:
            downsample = nn.Sequential(_conv1x1(in_channels, out_channels, stride),
                                       _norm(norm_cfg, out_channels))
        first_dilation, dilation = dilations
        layers = [block(in_channels, channels, stride, downsample, norm_cfg, first_dilation)]
        layers += [block(out_channels, channels, norm_cfg=norm_cfg, dilation=dilation)
                   for _ in range(1, blocks)]
        return nn.Sequential(*layers), out_channels

    def _init_parameters(self, zero_init_residual: bool) -> None:
        """He (fan-out) init for convolutions, 1/0 for norm affine parameters."""
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
            elif isinstance(m, (_BatchNorm, nn.GroupNorm)) and m.weight is not None:
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        if zero_init_residual:
            for m in self.modules():
                if isinstance(m, (BasicBlock, Bottleneck)) and m.last_norm.weight is not None:
                    nn.init.zeros_(m.last_norm.weight)

    def _frozen_modules(self) -> list[nn.Module]:
        if self.frozen_stages < 0:
            return []
        stem = [self.conv1, self.bn1]
        return stem + [getattr(self, f'layer{i}') for i in range(1, self.frozen_stages + 1)]

    def _freeze_stages(self) -> None:
        for module in self._frozen_modules():
            module.eval()
            for param in module.parameters():
                param.requires_grad = False

    def train(self, mode: bool = True) -> 'ResNet':
        """Switch mode, keeping frozen stages (and every BN if ``norm_eval``) in eval mode."""
        super().train(mode)
        self._freeze_stages()
        if mode and self.norm_eval:
            for m in self.modules():
                if isinstance(m, _BatchNorm):
                    m.eval()
        return self

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        # N x 64 x H/4 x W/4 (default stem) or N x 64 x H x W (small stem)
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        outs = {}
        for i in range(4):
            x = getattr(self, f'layer{i + 1}')(x)  # stage i: N x C_i x (H, W halved for i > 0)
            outs[i] = x
            if i == max(self.out_indices):
                break
        return tuple(outs[i] for i in self.out_indices)


def load_torchvision_state_dict(backbone: ResNet, state_dict: Mapping[str, torch.Tensor]):
    """Load a torchvision ResNet ``state_dict`` into ``backbone`` strictly, dropping ``fc.*``.

    Args:
        backbone: the ResNet to fill (default stem, same depth as the weights).
        state_dict: torchvision ``ResNet.state_dict()`` (keys map one to one).

    Returns:
        The ``load_state_dict`` result (empty missing/unexpected key lists).
    """
    filtered = {k: v for k, v in state_dict.items() if not k.startswith('fc.')}
    return backbone.load_state_dict(filtered, strict=True)
