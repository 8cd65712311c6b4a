"""One run per work dir: live locks refuse, stale ones are taken over, temp files are cleared."""
import json
import os
import socket
import subprocess
import sys

import pytest

from easycv_like import train
from easycv_like.apis import train_cli
from easycv_like.engine.work_dir_lock import (LOCK_NAME, WorkDirLock, WorkDirLockedError,
                                              claim_work_dir, remove_stale_temp_files)


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, '-c', 'pass'])
    proc.wait()
    return proc.pid


def test_second_run_in_a_locked_work_dir_is_refused(tmp_path, tiny_config, capsys):
    work = tmp_path / 'work'
    held = WorkDirLock(str(work))
    held.acquire()
    try:
        holder = json.loads((work / LOCK_NAME).read_text())
        assert holder['pid'] == os.getpid() and holder['host'] == socket.gethostname()
        with pytest.raises(WorkDirLockedError) as err:
            train(tiny_config, work_dir=str(work))
        message = str(err.value)
        assert f'pid {os.getpid()}' in message and socket.gethostname() in message
        assert str(work) in message
        with pytest.raises(SystemExit) as exit_info:
            train_cli.main([tiny_config, '--work_dir', str(work)])  # tools/train.py
        assert exit_info.value.code == 2  # one line naming the holder, no traceback
        assert f'train.py: error: Work dir {work} is in use by another run (pid ' \
               f'{os.getpid()}' in capsys.readouterr().err
        assert not list(work.glob('*.pth'))
    finally:
        held.release()
    assert not (work / LOCK_NAME).exists()


def test_lock_released_after_a_failed_run(tmp_path):
    with pytest.raises(RuntimeError, match='boom'):
        with claim_work_dir(str(tmp_path)):
            assert (tmp_path / LOCK_NAME).exists()
            raise RuntimeError('boom')
    assert not (tmp_path / LOCK_NAME).exists()
    with claim_work_dir(str(tmp_path)) as lock:
        assert lock is not None


def test_stale_lock_of_a_dead_process_is_taken_over(tmp_path, mmengine_warnings):
    dead = _dead_pid()
    (tmp_path / LOCK_NAME).write_text(json.dumps(dict(pid=dead, host=socket.gethostname())))
    with claim_work_dir(str(tmp_path)):
        assert json.loads((tmp_path / LOCK_NAME).read_text())['pid'] == os.getpid()
    messages = [r.getMessage() for r in mmengine_warnings]
    assert any(f'pid {dead}' in m and 'stale lock' in m for m in messages), messages


def test_lock_of_another_host_is_not_taken_over(tmp_path):
    (tmp_path / LOCK_NAME).write_text(json.dumps(dict(pid=1, host='other-node-7')))
    with pytest.raises(WorkDirLockedError, match='pid 1 on host other-node-7'):
        WorkDirLock(str(tmp_path)).acquire()


@pytest.mark.parametrize('variable', ['RANK', 'SLURM_PROCID'])
def test_only_rank_zero_takes_the_lock(tmp_path, monkeypatch, variable):
    monkeypatch.delenv('RANK', raising=False)
    monkeypatch.setenv(variable, '1')
    with claim_work_dir(str(tmp_path)) as lock:
        assert lock is None and not (tmp_path / LOCK_NAME).exists()


def test_temp_files_of_killed_writes_are_removed_at_start(tmp_path):
    temps = ['.epoch_1.pth.k2j_x9ab.tmp', '.last_checkpoint.q1w2e3r4.tmp', 'latest.pth.4242.tmp']
    kept = ['epoch_1.pth', 'latest.pth', 'notes.tmp', 'last_checkpoint', '.hidden']
    for name in temps + kept:
        (tmp_path / name).write_bytes(b'x')
    with claim_work_dir(str(tmp_path)):
        names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(kept + [LOCK_NAME])
    assert remove_stale_temp_files(str(tmp_path)) == []
