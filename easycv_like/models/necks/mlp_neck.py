"""``MLPNeck``: the projection MLP of contrastive and momentum methods (MoCo v2, SimCLR, BYOL,
MoBY): pooled backbone feature -> (Linear [+ BN] + ReLU) x (n - 1) -> Linear [+ BN]."""
from typing import Optional, Sequence, Tuple

import torch
from mmcv.cnn import build_norm_layer
from mmengine.dist import get_world_size
from mmengine.model import BaseModule
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm

from easycv_like.errors import ConfigError
from easycv_like.registry import MODELS

from ..backbones.global_pool import global_pool


@MODELS.register_module()
class MLPNeck(BaseModule):
    """Project the last backbone feature through a small MLP.

    MoCo v2 (Chen et al. 2020, https://arxiv.org/abs/2003.04297) uses
    ``MLPNeck(2048, 2048, 128, with_bn=False, with_bias=True)``; SimCLR/BYOL use BN in the hidden
    layers (``with_bn=True``). A 4-D input (N x C x H x W) is globally average-pooled first when
    ``with_avg_pool`` is set; a 2-D input (N x C, e.g. a ViT class token) is used as it is.

    Args:
        in_channels: width of the backbone feature.
        hid_channels: width of the hidden layers.
        out_channels: width of the projection.
        num_layers: linear layers (>= 1); ``num_layers - 1`` of them are hidden. Default 2.
        with_bias: bias in the linear layers. Default False.
        with_bn: a norm layer after every hidden linear layer. Default True.
        with_last_bn: a norm layer after the last linear layer too. Default False.
        with_avg_pool: global-average-pool a 4-D input. Default True.
        norm_cfg: mmcv norm config of the norm layers. Default ``dict(type='BN1d')``.
        init_cfg: mmengine init config. Default None (PyTorch's default init).
    """

    def __init__(self, in_channels: int, hid_channels: int, out_channels: int,
                 num_layers: int = 2, with_bias: bool = False, with_bn: bool = True,
                 with_last_bn: bool = False, with_avg_pool: bool = True,
                 norm_cfg: dict = dict(type='BN1d'), init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_layers < 1:
            raise ConfigError(f'MLPNeck needs num_layers >= 1, got {num_layers}')
        if (with_bn or with_last_bn) and norm_cfg.get('type') in ('BN', 'BN2d', 'BN3d'):
            raise ConfigError(f"MLPNeck norm_cfg type={norm_cfg['type']!r} normalises image maps, "
                              "but the neck's rows are vectors (N x C): use type='BN1d' (or "
                              "'SyncBN', which takes both).")
        self.with_avg_pool = with_avg_pool
        widths = [in_channels] + [hid_channels] * (num_layers - 1) + [out_channels]
        layers = []
        for i in range(num_layers):
            last = i == num_layers - 1
            layers.append(nn.Linear(widths[i], widths[i + 1], bias=with_bias))
            if (with_last_bn if last else with_bn):
                layers.append(build_norm_layer(norm_cfg, widths[i + 1])[1])
            if not last:
                layers.append(nn.ReLU(inplace=True))
        self.mlp = nn.Sequential(*layers)

    def forward(self, feats: Sequence[torch.Tensor]) -> Tuple[torch.Tensor]:
        """Backbone tuple (last map N x C x H x W or N x C) -> ``(N x out_channels,)``."""
        x = feats[-1]
        if self.with_avg_pool:
            x = global_pool(x)  # N x C
        if self.training and len(x) == 1 and self._per_process_norm:
            raise ValueError(
                'MLPNeck: its batch norm needs at least 2 rows per process in training, got 1 '
                '(a batch of one image: BYOL, MoBY and MoCo project each view alone). Raise '
                'data.imgs_per_gpu, or use SyncBN with several processes.')
        return (self.mlp(x.flatten(1)),)

    @property
    def _per_process_norm(self) -> bool:
        """Whether a norm layer of the MLP takes its statistics over this process's rows only
        (plain BN; SyncBN too when there is one process)."""
        return any(isinstance(m, _BatchNorm)
                   and (not isinstance(m, nn.SyncBatchNorm) or get_world_size() == 1)
                   for m in self.mlp)
