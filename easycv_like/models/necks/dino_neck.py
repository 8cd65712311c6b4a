"""DINO's projection (the paper's "projection head"; Caron et al.,
https://arxiv.org/abs/2104.14294): a neck here, since it maps features to features."""
from collections.abc import Sequence
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import nn
from torch.nn.utils.parametrizations import weight_norm

from easycv_like.errors import ConfigError
from easycv_like.registry import MODELS


@MODELS.register_module()
class DINONeck(BaseModule):
    """MLP to a bottleneck, L2 normalisation, then a weight-normalised linear layer to K logits.

    Args:
        in_channels: width of the backbone feature (e.g. 384 for DeiT-small).
        out_channels: number of logits K ("prototypes"). Default 65536.
        hid_channels: hidden width of the MLP. Default 2048.
        bottleneck_channels: output width of the MLP. Default 256.
        num_layers: linear layers of the MLP (GELU between them). Default 3.
        with_bn: BatchNorm1d after each hidden linear layer. Default False.
        norm_last_layer: fix the weight-norm gain of the last layer to 1 (more stable
            training). Default True.
        init_cfg: mmengine init config. Default None (truncated normal, std 0.02).
    """

    def __init__(self, in_channels: int, out_channels: int = 65536, hid_channels: int = 2048,
                 bottleneck_channels: int = 256, num_layers: int = 3, with_bn: bool = False,
                 norm_last_layer: bool = True, init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_layers < 1:
            raise ConfigError(f'DINONeck.num_layers must be >= 1, got {num_layers}.')
        self.out_channels = out_channels
        widths = [in_channels] + [hid_channels] * (num_layers - 1) + [bottleneck_channels]
        layers = []
        for i in range(num_layers):
            layers.append(nn.Linear(widths[i], widths[i + 1]))
            if i < num_layers - 1:
                layers += [nn.BatchNorm1d(widths[i + 1])] if with_bn else []
                layers.append(nn.GELU())
        self.mlp = nn.Sequential(*layers)
        for m in self.mlp.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                nn.init.zeros_(m.bias)
        self.last_layer = weight_norm(nn.Linear(bottleneck_channels, out_channels, bias=False))
        gain = self.last_layer.parametrizations.weight.original0  # K x 1
        with torch.no_grad():
            gain.fill_(1.0)
        gain.requires_grad = not norm_last_layer

    def forward(self, feats: Sequence[torch.Tensor]) -> Tuple[torch.Tensor]:
        """``(logits N x K,)`` from the last feature (N x D) of ``feats``."""
        x = F.normalize(self.mlp(feats[-1]), dim=-1)  # N x bottleneck
        return (self.last_layer(x),)  # N x K
