"""SIGKILL at random points of a save loop: the last complete checkpoint and the pointer load.

A child process saves checkpoints the way ``CheckpointHook.save_as`` does (``torch.save`` into
memory, the atomic backend's ``put``, then ``latest.pth`` and ``last_checkpoint``), dropping the
oldest beyond two, until it is killed; each round continues from the pointer, as a resumed run.
The child is a fresh interpreter, not a fork: a fork of the threaded test process can inherit a
held lock and wait for ever.
"""
import glob
import io
import os
import os.path as osp
import random
import signal
import subprocess
import sys
import time

import torch

from easycv_like.engine.hooks.checkpoint_hook import LATEST_NAME, POINTER_NAME
from easycv_like.utils.checkpoint import (AtomicLocalBackend, atomic_link, atomic_write_text,
                                          load_checkpoint_file)

ROUNDS = 10


def _save_forever(folder: str, first: int) -> None:
    """The child: save iter_first, iter_first+1, ... (4 MB each), printing each finished one."""
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
        print(step, flush=True)


def _step_of(path: str) -> int:
    checkpoint = load_checkpoint_file(path)
    step = checkpoint['meta']['iter']
    assert torch.equal(checkpoint['state_dict']['w'], torch.full((1024, 1024), float(step)))
    return step


def _start_saver(folder: str, first: int) -> subprocess.Popen:
    code = ('import sys; sys.path.insert(0, sys.argv[1]); '
            'from tests.utils.test_checkpoint_kill import _save_forever; '
            '_save_forever(sys.argv[2], int(sys.argv[3]))')
    repo = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    return subprocess.Popen([sys.executable, '-c', code, repo, folder, str(first)],
                            stdout=subprocess.PIPE)


def test_kills_mid_save_never_lose_the_last_checkpoint(tmp_path):
    folder, rng, first = str(tmp_path), random.Random(0), 1
    for _ in range(ROUNDS):
        child = _start_saver(folder, first)
        reported = child.stdout.readline()  # wait for one complete save, then kill at random
        assert reported, 'the saving child died before its first checkpoint'
        time.sleep(rng.uniform(0.0, 0.15))
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=60) == -signal.SIGKILL
        reported += child.stdout.read()
        last_reported = int(reported.split()[-1])
        pointer = open(osp.join(folder, POINTER_NAME)).read()
        step = _step_of(pointer)
        assert step in (last_reported, last_reported + 1)  # killed after the pointer moved
        assert _step_of(osp.join(folder, LATEST_NAME)) in (step, step + 1)  # link, then pointer
        for path in glob.glob(osp.join(folder, 'iter_*.pth')):
            _step_of(path)  # every published file is complete; partial ones stay .tmp
        first = step + 1  # the "resumed" run continues after the pointer
    assert first > ROUNDS
