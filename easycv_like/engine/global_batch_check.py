"""Check a model's rule on the global batch (``imgs_per_gpu`` x processes) when the run is
built, so that a config it cannot train fails before any data is read rather than at the first
(or an epoch's last) training step."""
import os

import torch
from mmengine.dist import get_world_size


def launch_world_size(launcher: str) -> int:
    """The number of training processes: the joined group's size, else the launcher's
    environment (``SLURM_NTASKS``; mmengine joins slurm's group later), else 1."""
    if launcher == 'slurm' and 'SLURM_NTASKS' in os.environ:
        return int(os.environ['SLURM_NTASKS'])
    return get_world_size()


def check_global_batch(model: torch.nn.Module, data: dict, launcher: str) -> None:
    """Let a model with a ``check_global_batch(batch, drop_last)`` method (MoCo's queue) refuse
    the global batch of ``data`` (the validated ``data`` section); it raises ``ConfigError``."""
    check = getattr(model, 'check_global_batch', None)
    if check is not None:
        check(data['imgs_per_gpu'] * launch_world_size(launcher), data['drop_last'])
