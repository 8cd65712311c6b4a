"""Global pooling, written once: a 4-D map is averaged over its spatial axes, a 2-D feature (a
ViT class token or token average) is already pooled. Backbones expose it as ``pool``; necks,
heads, algorithms and predictors that need one vector per image use it."""
from collections.abc import Sequence

import torch


def global_pool(feature: torch.Tensor) -> torch.Tensor:
    """N x C x H x W -> N x C (spatial mean); N x C -> itself; any other shape is an error."""
    if feature.dim() == 4:
        return feature.mean(dim=(2, 3))
    if feature.dim() == 2:
        return feature
    raise ValueError(f'Cannot pool a feature of shape {tuple(feature.shape)}: expected '
                     'N x C x H x W or N x C.')


class GlobalPoolMixin:
    """Gives a backbone ``pool(feats)``: its last output, globally pooled to N x C."""

    def pool(self, feats: Sequence[torch.Tensor]) -> torch.Tensor:
        """The backbone's output tuple -> N x C, the last entry pooled by :func:`global_pool`."""
        return global_pool(feats[-1])
