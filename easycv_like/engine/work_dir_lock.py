"""One training run per work dir at a time.

A run holds ``<work_dir>/run.lock``: an exclusive ``flock`` on it plus the holder's pid and host
written inside. A second run in the same work dir is refused with an error naming them; a lock
left by a run that died (its ``flock`` is gone with the process) is taken over with a warning.
Taking the lock also removes the temporary files that killed atomic writes left behind.
"""
import contextlib
import fcntl
import json
import logging
import os
import os.path as osp
import re
import socket
import time
from typing import Iterator, List, Optional

from mmengine.logging import print_log

LOCK_NAME = 'run.lock'
# temp names of utils/checkpoint.py: atomic_write_bytes (mkstemp) and atomic_link (pid)
_TEMP_NAMES = (re.compile(r'\..+\.[A-Za-z0-9_]+\.tmp'), re.compile(r'.+\.\d+\.tmp'))


class WorkDirLockedError(RuntimeError):
    """Another live run holds the work dir."""


def _holder_text(holder: dict) -> str:
    return f"pid {holder.get('pid', '?')} on host {holder.get('host', '?')}"


class WorkDirLock:
    """The lock of one work dir; :meth:`acquire` raises ``WorkDirLockedError`` when it is held.

    Args:
        work_dir: the run's output folder (created if missing).
    """

    def __init__(self, work_dir: str) -> None:
        self.work_dir = osp.abspath(work_dir)
        self.path = osp.join(self.work_dir, LOCK_NAME)
        self._fd: Optional[int] = None

    def _read_holder(self, fd: int) -> dict:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 4096).decode('utf-8', 'replace').strip()
        try:
            holder = json.loads(text) if text else {}
        except ValueError:
            holder = {'unreadable': text[:100]}
        return holder if isinstance(holder, dict) else {'unreadable': text[:100]}

    def _open_locked(self) -> int:
        """Open the lock file and ``flock`` it; retry if a releasing run unlinked it meanwhile."""
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = self._read_holder(fd)
                os.close(fd)
                raise WorkDirLockedError(
                    f'Work dir {self.work_dir} is in use by another run ({_holder_text(holder)}, '
                    f'lock file {self.path}). Wait for it to finish or choose another '
                    '--work_dir; two runs in one work dir overwrite each other\'s checkpoints.'
                ) from None
            try:
                same_file = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same_file = False
            if same_file:
                return fd
            os.close(fd)

    def acquire(self) -> None:
        os.makedirs(self.work_dir, exist_ok=True)
        fd = self._open_locked()
        holder = self._read_holder(fd)
        host = socket.gethostname()
        if holder and holder.get('host', host) != host:
            os.close(fd)
            raise WorkDirLockedError(
                f'Work dir {self.work_dir} is locked by {_holder_text(holder)}, which this '
                f'host ({host}) cannot check. If that run has ended, delete {self.path}.')
        if holder:
            print_log(f'Taking over the stale lock of work dir {self.work_dir}: '
                      f'{_holder_text(holder)} is no longer running.', logger='current',
                      level=logging.WARNING)
        record = json.dumps(dict(pid=os.getpid(), host=host, started=time.time()))
        os.ftruncate(fd, 0)
        os.pwrite(fd, record.encode('utf-8'), 0)  # no fsync: the flock is the lock, the record
        # only names its holder, and a crash that loses the record also ended the holder
        self._fd = fd

    def release(self) -> None:
        """Remove the lock file and drop the lock (no-op when not held)."""
        if self._fd is None:
            return
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        os.close(self._fd)
        self._fd = None


def remove_stale_temp_files(work_dir: str) -> List[str]:
    """Delete the temp files of interrupted atomic writes in ``work_dir``; returns their paths.
    Call it only while holding the work dir's lock (a live run's temp files look the same)."""
    removed = []
    for name in sorted(os.listdir(work_dir)):
        path = osp.join(work_dir, name)
        if any(p.fullmatch(name) for p in _TEMP_NAMES) and osp.isfile(path):
            os.unlink(path)
            removed.append(path)
    if removed:
        print_log(f'Removed temp files of interrupted writes: {", ".join(removed)}',
                  logger='current', level=logging.WARNING)
    return removed


@contextlib.contextmanager
def claim_work_dir(work_dir: str) -> Iterator[Optional[WorkDirLock]]:
    """Hold ``work_dir``'s lock for a training run and clear stale temp files first.

    Only global rank 0 takes it (``RANK`` under torchrun, ``SLURM_PROCID`` under srun); other
    ranks yield None.
    """
    if os.environ.get('RANK', os.environ.get('SLURM_PROCID', '0')) != '0':
        yield None
        return
    lock = WorkDirLock(work_dir)
    lock.acquire()
    try:
        remove_stale_temp_files(lock.work_dir)
        yield lock
    finally:
        lock.release()
