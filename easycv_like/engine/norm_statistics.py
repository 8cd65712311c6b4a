"""Keep batch-norm running statistics identical on every rank of a DDP run.

mmengine's DDP wrapper does not broadcast buffers, so each rank's running mean and variance
follow its own batches: every rank validated a different model, and a resumed run gave all ranks
rank 0's statistics, which the uninterrupted run's other ranks never had (their validation, and so
the metrics and ``save_best``, differed). Averaging them after every training step makes them a
function of the global batch, identical on every rank, so a checkpoint written by rank 0 holds
every rank's state.
"""
from typing import List, Optional

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.modules.batchnorm import _NormBase


def running_statistics(module: nn.Module) -> List[torch.Tensor]:
    """The running mean / variance buffers of every norm layer that keeps its own per process
    (``SyncBatchNorm`` already shares them; layers without running statistics have none)."""
    found = []
    for layer in module.modules():
        if isinstance(layer, _NormBase) and not isinstance(layer, nn.SyncBatchNorm):
            found += [b for b in (layer.running_mean, layer.running_var) if b is not None]
    return found


@torch.no_grad()
def average_running_statistics(module: nn.Module, group: Optional[object] = None) -> None:
    """Replace every rank's running statistics by their mean over the ranks of ``group``
    (one all-reduce per dtype); a no-op outside a process group of more than one rank."""
    if not dist.is_available() or not dist.is_initialized():
        return
    world = dist.get_world_size(group)
    if world == 1:
        return
    buffers = running_statistics(module)
    for dtype in sorted({b.dtype for b in buffers}, key=str):
        same = [b for b in buffers if b.dtype == dtype]
        flat = torch.cat([b.reshape(-1) for b in same])
        dist.all_reduce(flat, group=group)
        flat /= world
        offset = 0
        for buf in same:
            buf.copy_(flat[offset:offset + buf.numel()].view_as(buf))
            offset += buf.numel()
