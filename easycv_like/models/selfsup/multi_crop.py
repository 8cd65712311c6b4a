"""Multi-crop batching: run crops of equal size through a network together (SwAV, DINO)."""
from typing import Callable, List

import torch


def forward_by_size(network: Callable[[torch.Tensor], torch.Tensor],
                    crops: List[torch.Tensor]) -> List[torch.Tensor]:
    """Crops (N x C x H_i x W_i each) -> one output per crop, in order.

    Consecutive crops of the same shape are concatenated into one batch, so 2 global + 6 local
    crops cost two forward passes instead of eight (and BN sees each size's whole batch).
    """
    outputs, start = [], 0
    while start < len(crops):
        end = start + 1
        while end < len(crops) and crops[end].shape == crops[start].shape:
            end += 1
        outputs += list(network(torch.cat(crops[start:end])).chunk(end - start))
        start = end
    return outputs
