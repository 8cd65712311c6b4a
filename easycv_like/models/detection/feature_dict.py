"""Our backbones' tuple of feature maps, named as torchvision's detection parts look them up.

torchvision's ``FeaturePyramidNetwork``, ``RegionProposalNetwork`` and ``MultiScaleRoIAlign``
take an ``OrderedDict`` of maps and find levels by key; our backbones and necks return a tuple
(ARCHITECTURE.md). ``NamedFeatures`` wraps any of them so the two conventions meet in one place.
"""
from collections import OrderedDict
from collections.abc import Sequence
from typing import Optional

import torch
from torch import nn


def name_features(features: Sequence[torch.Tensor],
                  names: Sequence[str]) -> 'OrderedDict[str, torch.Tensor]':
    """``(f0, f1, ...)`` -> ``OrderedDict(names[0]=f0, ...)``; the lengths must agree."""
    if len(features) != len(names):
        raise ValueError(f'{len(features)} feature maps but {len(names)} names {list(names)}')
    return OrderedDict(zip(names, features))


class NamedFeatures(nn.Module):
    """Run ``body`` (a backbone, or backbone + neck) and name its outputs for torchvision.

    Args:
        body: a module returning a tuple of N x C_i x H_i x W_i maps.
        names: one key per map. Default ``('0', '1', ...)``, torchvision's own naming.
        out_channels: channels of every map, which torchvision's detectors read from
            ``backbone.out_channels``. Default None: taken from ``body.out_channels`` when all
            levels share one width.
    """

    def __init__(self, body: nn.Module, names: Optional[Sequence[str]] = None,
                 out_channels: Optional[int] = None):
        super().__init__()
        self.body = body
        self.names = tuple(names) if names is not None else None
        if out_channels is None:
            widths = getattr(body, 'out_channels', None)
            widths = [widths] if isinstance(widths, int) else list(widths or [])
            out_channels = widths[0] if widths and len(set(widths)) == 1 else None
        self.out_channels = out_channels

    def forward(self, x: torch.Tensor) -> 'OrderedDict[str, torch.Tensor]':
        features = self.body(x)
        names = self.names or tuple(str(i) for i in range(len(features)))
        return name_features(features, names)
