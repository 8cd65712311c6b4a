"""Join the process group torchrun describes, with the configured timeout, so that a restarted
worker group never reads the addresses its killed predecessors left in the store.

torchrun's agent keeps one TCP store for the whole job (static and c10d rendezvous alike), and
``init_process_group('env://')`` uses the same key names in every restart attempt. A restarted
rank that starts before its peers reads their dead predecessors' addresses and fails with
``Gloo connectFullMesh failed`` (NCCL waits on a stale unique id instead). Each attempt
therefore gets its own key namespace (``TORCHELASTIC_RESTART_COUNT``), and ``dist_params.timeout``
bounds the store, the connection set-up and every collective.
"""
import contextlib
import datetime
import gc
import numbers
import os
import traceback
import weakref
from typing import Iterator, Optional

import torch
import torch.distributed as dist

from ..errors import ConfigError

REQUIRED_ENV = ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT')
SLURM_ENV = ('SLURM_PROCID', 'SLURM_NTASKS', 'SLURM_NODELIST')  # what mmengine's slurm init reads


class LauncherEnvError(RuntimeError):
    """``--launcher pytorch|slurm`` outside torchrun / srun: the variables they set are missing."""


def check_launcher_env(launcher: str) -> None:
    """Raise ``LauncherEnvError`` naming the missing variables and how to start instead."""
    needed, how = {'pytorch': (REQUIRED_ENV, 'tools/dist_train.sh or torchrun'),
                   'slurm': (SLURM_ENV, 'tools/slurm_train.sh or srun')}.get(launcher, ((), ''))
    missing = [name for name in needed if name not in os.environ]
    if missing:
        raise LauncherEnvError(f'--launcher {launcher} needs the environment {how.split()[-1]} '
                               f'sets; missing {", ".join(missing)}. Start with {how}.')


def process_group_timeout(dist_params: Optional[dict]) -> Optional[datetime.timedelta]:
    """``dist_params.timeout`` (seconds) as a timedelta; None when unset. Rejects non-positive
    or non-numeric values, naming the key."""
    timeout = (dist_params or {}).get('timeout')
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, numbers.Real) or timeout <= 0:
        raise ConfigError(f'dist_params.timeout must be a positive number of seconds, '
                          f'got {timeout!r} ({type(timeout).__name__}).')
    return datetime.timedelta(seconds=float(timeout))


def store_namespace() -> str:
    """The store key prefix of this restart attempt (torchrun counts attempts from 0)."""
    return f"easycv_like/attempt_{os.environ.get('TORCHELASTIC_RESTART_COUNT', '0')}"


def init_torchrun_process_group(backend: str,
                                timeout: Optional[datetime.timedelta] = None) -> None:
    """Initialise the default process group from torchrun's environment variables.

    Args:
        backend: ``'gloo'`` or ``'nccl'`` (NCCL binds this process to GPU ``LOCAL_RANK`` first).
        timeout: limit for the rendezvous store, the connection set-up and each collective;
            None keeps torch's default.
    """
    check_launcher_env('pytorch')
    rank, world_size = int(os.environ['RANK']), int(os.environ['WORLD_SIZE'])
    if backend == 'nccl':
        torch.cuda.set_device(int(os.environ.get('LOCAL_RANK', '0')))
    kwargs = dict(timeout=timeout) if timeout is not None else {}
    store, _, _ = next(dist.rendezvous('env://', rank, world_size, **kwargs))
    store = dist.PrefixStore(store_namespace(), store)
    dist.init_process_group(backend, store=store, rank=rank, world_size=world_size, **kwargs)


def leave_process_group() -> bool:
    """End of a command run under torchrun: leave the group and free its backend now, while
    Python is still fully alive. Returns True when the default group's backend is gone (a no-op
    returning True without a group).

    ``destroy_process_group`` only drops torch's own references. The Runner, kept in reference
    cycles with its loops, still holds the group through the DDP wrapper, so gloo's worker
    threads lived on until interpreter shutdown. A worker that then released the last reference
    to a tensor of the final collective (mmengine broadcasts the metrics) had to take the GIL,
    found the interpreter finalising, and its thread exit inside a destructor ended in
    ``std::terminate`` ("terminate called without an active exception", SIGABRT): torchrun
    failed the job. Collecting the cycles here frees the backend, whose destructor joins its
    workers (without holding the GIL) before the process exits.
    """
    if not dist.is_initialized():
        return True
    group = weakref.ref(dist.group.WORLD)
    dist.destroy_process_group()
    gc.collect()
    return group() is None


def _release_frames(err: BaseException) -> None:
    """Drop the locals of the finished frames ``err`` and its causes passed through (the
    Runner among them), keeping file and line of each for the printed traceback."""
    seen = set()
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        traceback.clear_frames(err.__traceback__)
        err = err.__cause__ or err.__context__


@contextlib.contextmanager
def process_group_left_at_exit() -> Iterator[None]:
    """Leave the process group when the block ends, also when it raises: a failed run kept the
    backend (held by its traceback's frames) until interpreter shutdown, where gloo could abort
    the process and hide the error. Only local teardown, no barrier: a failing rank must not
    wait on peers that will never join. The exception goes on unchanged."""
    try:
        yield
    except BaseException as err:
        _release_frames(err)
        leave_process_group()
        raise
    leave_process_group()
