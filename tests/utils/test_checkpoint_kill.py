"""SIGKILL at random points of a save loop: the last complete checkpoint and the pointer load.

A forked child saves checkpoints the way ``CheckpointHook.save_as`` does (``torch.save`` into
memory, the atomic backend's ``put``, then ``latest.pth`` and ``last_checkpoint``), dropping the
oldest beyond two, until it is killed; each round continues from the pointer, as a resumed run.
"""
import glob
import io
import os
import os.path as osp
import random
import signal
import time

import pytest
import torch

from easycv_like.engine.hooks.checkpoint_hook import LATEST_NAME, POINTER_NAME
from easycv_like.utils.checkpoint import (AtomicLocalBackend, atomic_link, atomic_write_text,
                                          load_checkpoint_file)

ROUNDS = 10


def _save_forever(folder: str, first: int, report_fd: int) -> None:
    """The child: save iter_first, iter_first+1, ... (4 MB each), reporting each finished one."""
    backend = AtomicLocalBackend()
    for step in range(first, first + 100000):
        old = osp.join(folder, f'iter_{step - 2}.pth')
        if osp.exists(old):
            os.remove(old)
        state = {'state_dict': {'w': torch.full((1024, 1024), float(step))},
                 'meta': {'iter': step}}
        buffer = io.BytesIO()
        torch.save(state, buffer)
        path = osp.join(folder, f'iter_{step}.pth')
        backend.put(buffer.getvalue(), path)
        atomic_link(path, osp.join(folder, LATEST_NAME))
        atomic_write_text(osp.join(folder, POINTER_NAME), path)
        os.write(report_fd, f'{step}\n'.encode())


def _step_of(path: str) -> int:
    checkpoint = load_checkpoint_file(path)
    step = checkpoint['meta']['iter']
    assert torch.equal(checkpoint['state_dict']['w'], torch.full((1024, 1024), float(step)))
    return step


@pytest.mark.skipif(not hasattr(os, 'fork'), reason='needs fork')
def test_kills_mid_save_never_lose_the_last_checkpoint(tmp_path):
    folder, rng, first = str(tmp_path), random.Random(0), 1
    for _ in range(ROUNDS):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # child
            os.close(read_fd)
            try:
                _save_forever(folder, first, write_fd)
            finally:
                os._exit(0)
        os.close(write_fd)
        reported = os.read(read_fd, 64)  # wait for one complete save, then kill at random
        time.sleep(rng.uniform(0.0, 0.15))
        os.kill(pid, signal.SIGKILL)
        assert os.waitpid(pid, 0)[1] & 0x7F == signal.SIGKILL
        while chunk := os.read(read_fd, 4096):
            reported += chunk
        os.close(read_fd)
        last_reported = int(reported.split()[-1])
        pointer = open(osp.join(folder, POINTER_NAME)).read()
        step = _step_of(pointer)
        assert step in (last_reported, last_reported + 1)  # killed after the pointer moved
        assert _step_of(osp.join(folder, LATEST_NAME)) in (step, step + 1)  # link, then pointer
        for path in glob.glob(osp.join(folder, 'iter_*.pth')):
            _step_of(path)  # every published file is complete; partial ones stay .tmp
        first = step + 1  # the "resumed" run continues after the pointer
    assert first > ROUNDS
