"""``this_rank_rows``: random draws that differ between ranks while the ranks' random streams stay
in step.

Every rank is seeded alike (the Runner's ``seed``) and checkpoints keep rank 0's random state, so a
per-sample draw such as MAE's masking noise or stochastic depth would be the same on every rank:
sample ``i`` of each rank's batch got the same mask. Drawing the whole global batch on every rank
and keeping this rank's rows gives each sample of the global batch its own draw, consumes the same
random numbers on every rank, and equals the plain draw in a single process.
"""
from typing import Callable

import torch
from mmengine.dist import get_dist_info


def this_rank_rows(draw: Callable[[int], torch.Tensor], rows: int) -> torch.Tensor:
    """``draw(world_size * rows)`` (a tensor whose first dimension is its argument), rows
    ``rank * rows`` to ``(rank + 1) * rows`` of it."""
    rank, world_size = get_dist_info()
    return draw(world_size * rows)[rank * rows:(rank + 1) * rows]
