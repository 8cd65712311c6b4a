"""torchrun process-group set-up: fresh store keys per restart attempt, the timeout applied."""
import datetime
import os
import subprocess
import sys

import pytest
import torch.distributed as dist

from easycv_like.engine import dist_init
from easycv_like.engine.dist_init import (leave_process_group, process_group_left_at_exit,
                                         process_group_timeout, store_namespace)

from ..conftest import REPO
from ..gloo_ranks import free_port, join_gloo, run_on_two_ranks

WORKER = '''
import importlib.util, os, sys, time, types
import torch, torch.distributed as dist
# the module and errors.py alone (torch only): importing the whole package would cost seconds
# per process, so its two packages are stand-ins that only say where their files are
package = os.path.dirname(os.path.dirname(os.environ['DIST_INIT']))
for name, path in (('easycv_like', package), ('easycv_like.engine', f'{package}/engine')):
    sys.modules[name] = types.ModuleType(name)
    sys.modules[name].__path__ = [path]
spec = importlib.util.spec_from_file_location('easycv_like.engine.dist_init',
                                              os.environ['DIST_INIT'])
dist_init = importlib.util.module_from_spec(spec)
spec.loader.exec_module(dist_init)
init_torchrun_process_group = dist_init.init_torchrun_process_group
process_group_timeout = dist_init.process_group_timeout
rank = int(os.environ['RANK'])
if rank == 0:
    time.sleep(float(os.environ['DELAY']))
timeout = process_group_timeout({'timeout': float(os.environ['TIMEOUT'])})
init_torchrun_process_group('gloo', timeout)
if os.environ.get('HANG_RANK') == str(rank):
    time.sleep(float(os.environ['TIMEOUT']) + 5)
    sys.exit(0)
start = time.time()
value = torch.ones(1)
try:
    dist.all_reduce(value)
except RuntimeError as err:
    print(f'collective failed after {time.time() - start:.1f}s: {err}', flush=True)
    sys.exit(3)
print(f'sum={value.item()}', flush=True)
dist_init.leave_process_group()  # as train_cli does: gloo's threads end before exit
'''


def _agent_store():
    """A store like the one torchrun's agent keeps for the whole job (all restarts)."""
    port = free_port()
    store = dist.TCPStore('127.0.0.1', port, None, True, datetime.timedelta(seconds=60),
                          wait_for_workers=False, multi_tenant=True)
    return store, port


def _launch(tmp_path, port, attempt, delay=0.0, timeout=60.0, hang_rank=None):
    script = tmp_path / 'worker.py'
    script.write_text(WORKER)
    procs = []
    for rank in range(2):
        env = dict(os.environ, MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port), RANK=str(rank),
                   LOCAL_RANK=str(rank), WORLD_SIZE='2', TORCHELASTIC_USE_AGENT_STORE='True',
                   TORCHELASTIC_RESTART_COUNT=str(attempt), DELAY=str(delay),
                   TIMEOUT=str(timeout), HANG_RANK=str(hang_rank),
                   DIST_INIT=os.path.join(REPO, 'easycv_like/engine/dist_init.py'),
                   OMP_NUM_THREADS='1')
        procs.append(subprocess.Popen([sys.executable, str(script)], env=env, text=True,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
    results = []
    for proc in procs:
        out, _ = proc.communicate(timeout=180)
        results.append((proc.returncode, out))
    return results


def test_restart_attempt_ignores_stale_addresses(tmp_path):
    """Attempt 1's rank 1 starts first; with the keys of attempt 0 still in the store it used
    to connect to a dead address (``Gloo connectFullMesh failed``)."""
    store, port = _agent_store()
    for rc, out in _launch(tmp_path, port, attempt=0):
        assert rc == 0 and 'sum=2.0' in out, out[-2000:]
    for rc, out in _launch(tmp_path, port, attempt=1, delay=3.0):
        assert rc == 0 and 'sum=2.0' in out, out[-2000:]


def test_hung_collective_fails_within_timeout(tmp_path):
    """Rank 1 never joins the all-reduce: rank 0 gets an error after dist_params.timeout."""
    store, port = _agent_store()
    (rc0, out0), _ = _launch(tmp_path, port, attempt=0, timeout=3.0, hang_rank=1)
    assert rc0 != 0, out0[-2000:]  # 3, or an abort while gloo tears down after the error
    line = next(ln for ln in out0.splitlines() if ln.startswith('collective failed after'))
    elapsed = float(line.split('after ')[1].split('s:')[0])
    assert 2.5 <= elapsed < 20, line
    assert 'timed out' in line.lower() or 'timeout' in line.lower(), line


def test_store_namespace_per_attempt(monkeypatch):
    monkeypatch.setenv('TORCHELASTIC_RESTART_COUNT', '2')
    assert store_namespace() == 'easycv_like/attempt_2'
    monkeypatch.delenv('TORCHELASTIC_RESTART_COUNT')
    assert store_namespace() == 'easycv_like/attempt_0'


@pytest.mark.parametrize('bad', [0, -5, '120', True])
def test_timeout_must_be_positive_seconds(bad):
    with pytest.raises(ValueError, match='dist_params.timeout'):
        process_group_timeout({'timeout': bad})


def test_timeout_in_seconds():
    assert process_group_timeout({'timeout': 120}) == datetime.timedelta(seconds=120)
    assert process_group_timeout({}) is None and process_group_timeout(None) is None


@pytest.mark.parametrize('cuda,backend', [(False, 'gloo'), (True, 'nccl')])
def test_build_runner_applies_backend_and_timeout(monkeypatch, cuda, backend):
    """The runner's process group gets dist_params.timeout on CPU (gloo) and GPU (nccl) alike."""
    import importlib

    from mmengine.config import Config
    build_runner = importlib.import_module('easycv_like.engine.build_runner')
    calls = []
    monkeypatch.setattr(build_runner.torch.cuda, 'is_available', lambda: cuda)
    monkeypatch.setattr(build_runner, 'init_torchrun_process_group',
                        lambda *args: calls.append(args))
    cfg = Config(dict(dist_params=dict(backend='nccl', timeout=120)))
    build_runner._init_process_group(cfg, 'none')
    assert calls == []
    build_runner._init_process_group(cfg, 'pytorch')
    assert calls == [(backend, datetime.timedelta(seconds=120))]


def _gloo_threads() -> int:
    """How many of this process's threads are gloo's (workers and the transport loop)."""
    names = [open(f'/proc/self/task/{t}/comm').read() for t in os.listdir('/proc/self/task')]
    return sum(name.startswith(('pt_gloo', 'gloo')) for name in names)


def _leave_worker(rank: int, port: int, results: dict) -> None:
    join_gloo(rank, port)
    import torch
    from torch.nn.parallel import DistributedDataParallel
    runner = dict(model=DistributedDataParallel(torch.nn.Linear(2, 2)))
    runner['self'] = runner  # like mmengine's Runner and its loops: freed only by the collector
    del runner
    metrics = [dict(acc=1.0)] if rank == 0 else [None]
    dist.broadcast_object_list(metrics)  # the last collective of an evaluation
    before = _gloo_threads()
    results[rank] = dict(before=before, gone=leave_process_group(), after=_gloo_threads(),
                         metrics=metrics)


@pytest.mark.skipif(not sys.platform.startswith('linux'), reason='counts threads in /proc')
def test_leave_process_group_stops_gloo_threads_before_exit():
    """A DDP model in a reference cycle kept gloo's backend, and its worker threads, alive past
    ``destroy_process_group`` until interpreter shutdown, where a worker could abort the
    process (std::terminate): leaving the group must end them while Python is alive."""
    results = run_on_two_ranks(_leave_worker)
    for rank in (0, 1):
        assert results[rank]['metrics'] == [dict(acc=1.0)]
        assert results[rank]['before'] >= 2  # the worker threads and the transport loop
        assert results[rank]['gone'] is True
        assert results[rank]['after'] == 0


def _failing_train(rank: int) -> None:
    """Like Runner.train when a step raises: the DDP model is a local of a frame that the
    traceback keeps alive, inside a reference cycle."""
    import torch
    from torch.nn.parallel import DistributedDataParallel
    runner = dict(model=DistributedDataParallel(torch.nn.Linear(2, 2)))
    runner['self'] = runner
    raise RuntimeError(f'loss is nan on rank {rank}')


def _fail_worker(rank: int, port: int, results: dict) -> None:
    import time
    import traceback
    join_gloo(rank, port)
    if rank == 1:  # a healthy peer that is busy elsewhere: the failing rank must not wait on it
        import torch
        from torch.nn.parallel import DistributedDataParallel
        DistributedDataParallel(torch.nn.Linear(2, 2))
        time.sleep(6)
        results[rank] = dict(gone=leave_process_group())
        return
    start = time.time()
    try:
        with process_group_left_at_exit():
            _failing_train(rank)
    except RuntimeError as err:  # the traceback is still held here, as when Python prints it
        results[rank] = dict(seconds=time.time() - start, threads=_gloo_threads(),
                             initialized=dist.is_initialized(), message=str(err),
                             trace=''.join(traceback.format_exception(err)))


@pytest.mark.skipif(not sys.platform.startswith('linux'), reason='counts threads in /proc')
def test_failing_run_leaves_the_group_without_waiting_for_peers():
    """A run that raised kept gloo alive through its traceback's frames until interpreter exit
    (where gloo could abort and hide the error): the group is left on the failing path too,
    at once, and the error with its traceback goes on unchanged."""
    results = run_on_two_ranks(_fail_worker)
    failed = results[0]
    assert failed['message'] == 'loss is nan on rank 0'
    assert '_failing_train' in failed['trace'] and 'raise RuntimeError' in failed['trace']
    assert failed['initialized'] is False
    assert failed['threads'] == 0
    assert failed['seconds'] < 4  # rank 1 sleeps 6 s: no barrier with it
    assert results[1]['gone'] is True


def test_process_group_left_at_exit_passes_results_and_errors(monkeypatch):
    calls = []
    monkeypatch.setattr(dist_init, 'leave_process_group', lambda: calls.append('left'))
    with dist_init.process_group_left_at_exit():
        pass
    with pytest.raises(SystemExit) as exc, dist_init.process_group_left_at_exit():
        raise SystemExit(2)
    assert exc.value.code == 2 and calls == ['left', 'left']
