"""Preemption as schedulers send it: SIGTERM to the whole process group (loader workers
included), during training and during validation; the resumed run ends bit-exactly where an
uninterrupted one does."""
import os
import os.path as osp
import signal
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest
import torch

from easycv_like import train
from easycv_like.engine.hooks.preemption_hook import (PreemptionHook, _ignore_child_exit,
                                                      _unformatted_config)
from easycv_like.engine.preemptible_batches import preemptible_batches
from easycv_like.utils.checkpoint import load_checkpoint_file

from ..conftest import REPO, write_tiny_config
from .test_fault_tolerance import _assert_same_final_state

PLUGIN = '''
import os, time
from mmengine.hooks import Hook
from easycv_like.registry import HOOKS


@HOOKS.register_module(force=True)
class WaitForSignalHook(Hook):
    """At one training (or validation) iteration: write a marker file, then wait until the
    PreemptionHook has seen a signal, so the test knows where the signal lands."""

    def __init__(self, marker, at_iter=None, at_val_iter=None):
        self.marker, self.at_iter, self.at_val_iter = marker, at_iter, at_val_iter

    def _wait(self, runner):
        hook = next(h for h in runner.hooks if type(h).__name__ == 'PreemptionHook')
        open(self.marker, 'w').close()
        deadline = time.time() + 120
        while not hook.received and time.time() < deadline:
            time.sleep(0.05)

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if runner.iter + 1 == self.at_iter:
            self._wait(runner)

    def after_val_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if batch_idx == self.at_val_iter:
            self._wait(runner)
'''

# 1 epoch of 4 iterations (64 images, batch 16), validation on 32 images (2 batches)
_SETUP = """
data['workers_per_gpu'] = 2
data['train']['data_source']['list_file'] = _root + '/preempt_train.txt'
eval_pipelines[0]['data']['data_source']['list_file'] = _root + '/preempt_val.txt'
total_epochs = 1
lr_config = dict(warmup_iters=2)
checkpoint_config = dict(interval=1, max_keep_ckpts=-1)
"""


@pytest.fixture(scope='module')
def runs(tmp_path_factory, tiny_digits):
    """The plugin folder, the plain config (2 loader workers) and one uninterrupted run."""
    root = tmp_path_factory.mktemp('preempt')
    for split, count in (('train', 64), ('val', 32)):
        with open(osp.join(tiny_digits, f'{split}_small.txt')) as f:
            lines = f.readlines()[:count]
        with open(osp.join(tiny_digits, f'preempt_{split}.txt'), 'w') as f:
            f.writelines(lines)
    (root / 'preempt_plugin.py').write_text(PLUGIN)
    plain = write_tiny_config(str(root), tiny_digits, extra=_SETUP)
    full = train(plain, work_dir=str(root / 'uninterrupted'))
    return SimpleNamespace(root=root, data=tiny_digits, plain=plain,
                           final=osp.join(full['work_dir'], 'epoch_1.pth'))


def _kill_group_when_marked(runs, name, hook_args):
    """Start tools/train.py in its own process group, SIGTERM the group once the marker is
    written; returns (exit status, log text, work dir)."""
    folder = runs.root / name
    folder.mkdir()
    marker = folder / 'marker'
    cfg = write_tiny_config(str(folder), runs.data, extra=_SETUP + (
        "custom_imports = dict(imports=['preempt_plugin'])\n"
        f"custom_hooks = [dict(type='WaitForSignalHook', marker={str(marker)!r}, "
        f"{hook_args})]\n"))
    work, log = folder / 'work', folder / 'log.txt'
    # the same thread count as the in-process reference run: float sums follow the split
    env = dict(os.environ, PYTHONPATH=f'{runs.root}{os.pathsep}{REPO}',
               OMP_NUM_THREADS=str(torch.get_num_threads()))
    with open(log, 'w') as out:
        proc = subprocess.Popen([sys.executable, osp.join(REPO, 'tools/train.py'), cfg,
                                 '--work_dir', str(work)], env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 240
        while not marker.exists() and proc.poll() is None and time.time() < deadline:
            time.sleep(0.1)
        assert marker.exists(), log.read_text()[-3000:]
        os.killpg(proc.pid, signal.SIGTERM)  # main process and both loader workers
        status = proc.wait(timeout=240)
    return status, log.read_text(), work


@pytest.mark.parametrize('at_iter', [2, 4])  # mid-epoch; the epoch's last step
def test_group_sigterm_with_two_workers_saves_exits_143_and_resumes_exactly(runs, at_iter):
    status, log, work = _kill_group_when_marked(runs, f'train_kill{at_iter}',
                                                f'at_iter={at_iter}')
    assert status == 143, log[-3000:]
    assert f'Received SIGTERM: saved iteration {at_iter}' in log
    assert 'SyntaxError' not in log and 'DataLoader worker' not in log
    meta = load_checkpoint_file(work / f'iter_{at_iter}.pth')['meta']
    assert (meta['epoch'], meta['iter']) == (0, at_iter)
    assert open(work / 'last_checkpoint').read().endswith(f'iter_{at_iter}.pth')
    assert not (work / 'epoch_1.pth').exists()
    resumed = train(runs.plain, work_dir=str(work), resume='auto')
    _assert_same_final_state(runs.final, osp.join(resumed['work_dir'], 'epoch_1.pth'))


def test_group_sigterm_during_validation_saves_the_trained_state(runs):
    """Validation stops at once; the save holds the state after the epoch's 4 iterations."""
    status, log, work = _kill_group_when_marked(runs, 'val_kill', 'at_val_iter=0')
    assert status == 143, log[-3000:]
    assert 'Received SIGTERM: saved iteration 4' in log
    meta = load_checkpoint_file(work / 'iter_4.pth')['meta']  # epoch 1 done, in its validation
    assert (meta['epoch'], meta['iter']) == (1, 4)
    _assert_same_final_state(runs.final, work / 'iter_4.pth')  # exactly the trained state


class _Preempted(Exception):
    pass


@pytest.fixture
def armed_hook():
    hook = PreemptionHook()
    runner = SimpleNamespace(hooks=[hook])
    hook.before_train(runner)
    saved = []

    def preempt(runner, signum):
        saved.append(signum)
        raise _Preempted
    hook.preempt = preempt
    yield hook, runner, saved
    hook.after_train(runner)


def test_fetch_failing_after_a_signal_preempts_instead_of_crashing(armed_hook):
    hook, runner, saved = armed_hook

    def loader():
        yield 'batch 0'
        hook.received = signal.SIGTERM  # the signal lands while the next batch is awaited
        raise RuntimeError('DataLoader worker (pid(s) 123) exited unexpectedly')

    batches = preemptible_batches(runner, loader())
    assert next(batches) == 'batch 0'
    with pytest.raises(_Preempted):
        next(batches)
    assert saved == [signal.SIGTERM]


def test_fetch_failing_without_a_signal_is_an_error(armed_hook):
    hook, runner, saved = armed_hook

    def loader():
        yield 'batch 0'
        raise RuntimeError('worker crashed')

    with pytest.raises(RuntimeError, match='worker crashed'):
        list(preemptible_batches(runner, loader()))
    assert saved == []


def test_a_pending_signal_preempts_without_fetching_more(armed_hook):
    hook, runner, saved = armed_hook
    fetched = []

    def loader():
        for i in range(3):
            fetched.append(i)
            yield i

    batches = preemptible_batches(runner, loader())
    assert next(batches) == 0
    hook.received = signal.SIGINT  # arrives during the step of batch 0
    with pytest.raises(_Preempted):
        next(batches)
    assert fetched == [0] and saved == [signal.SIGINT]


def test_another_ranks_failed_fetch_stops_this_rank(armed_hook, monkeypatch):
    hook, runner, saved = armed_hook
    monkeypatch.setattr(hook, 'agree', lambda fetch_failed: (0, True))
    with pytest.raises(RuntimeError, match='data loader of another rank failed'):
        list(preemptible_batches(runner, iter([1, 2])))


def test_preemption_save_does_not_format_the_config(monkeypatch):
    """A loader worker dying inside yapf used to surface as "Failed to format the config"."""
    import mmengine.config.config as mm_config
    from mmengine.config import Config

    def broken_formatter(*args, **kwargs):
        raise RuntimeError('DataLoader worker (pid 1) is killed by signal: Terminated.')
    monkeypatch.setattr(mm_config, 'FormatCode', broken_formatter)
    cfg = Config(dict(model=dict(type='Classification'), total_epochs=1))
    with pytest.raises(SyntaxError, match='Failed to format'):
        cfg.pretty_text  # what a periodic save does
    with _unformatted_config(cfg):
        assert "type='Classification'" in cfg.pretty_text
    with pytest.raises(SyntaxError):
        cfg.pretty_text  # restored afterwards


def test_signal_stops_loader_worker_deaths_from_raising():
    hook = PreemptionHook()
    runner = SimpleNamespace(hooks=[hook])
    before = signal.getsignal(signal.SIGCHLD)
    hook.before_train(runner)
    hook._on_signal(signal.SIGTERM, None)
    assert signal.getsignal(signal.SIGCHLD) is _ignore_child_exit
    hook.after_train(runner)
    assert signal.getsignal(signal.SIGCHLD) == before and not hook.armed


def test_outside_training_batches_are_plain():
    hook = PreemptionHook()  # not armed: evaluation only
    hook.received = signal.SIGTERM
    assert list(preemptible_batches(SimpleNamespace(hooks=[hook]), iter([1, 2]))) == [1, 2]
