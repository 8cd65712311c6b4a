"""Preemption: on SIGTERM/SIGINT finish the current step, checkpoint it, and exit.

SLURM and Kubernetes send SIGTERM (a terminal sends SIGINT) to the whole process group some
time before killing a job, so the data-loader workers die together with the main process. The
signal only sets a flag (and stops dead workers from raising in the main process). The training
and validation loops fetch their batches through ``preemptible_batches``, which asks this hook,
after every fetch, whether any rank got a signal; if so the state after the last completed
iteration is saved as ``iter_N.pth`` (``latest.pth`` and ``last_checkpoint`` point at it) and
the process exits with ``128 + signal number`` (143 for SIGTERM, 130 for SIGINT), so launchers
see a failure and may restart; ``--resume auto`` continues exactly there. The save needs no
data: the loaders' iterators are shut down first, and a fetch that failed because the workers
were killed is not an error.
"""
import signal
from contextlib import contextmanager
from typing import Iterator, Tuple

import torch
from mmengine.dist import all_reduce, get_world_size
from mmengine.hooks import Hook

from ...registry import HOOKS
from .checkpoint_hook import CheckpointHook

SIGNALS = (signal.SIGTERM, signal.SIGINT)


def _ignore_child_exit(signum, frame) -> None:
    """SIGCHLD handler while preempting: loader workers dying with us is expected."""


def shutdown_loader_iterator(iterator) -> None:
    """Stop the worker processes of a DataLoader iterator (or of the one an mmengine infinite
    iterator wraps); a no-op for iterators without workers."""
    inner = getattr(iterator, '_iterator', iterator)
    stop = getattr(inner, '_shutdown_workers', None)
    if callable(stop):
        stop()


@contextmanager
def _unformatted_config(cfg) -> Iterator[None]:
    """mmengine formats the config text with yapf (``cfg.pretty_text``) in every save and turns
    any exception raised meanwhile into a misleading ``SyntaxError``; the preemption save keeps
    the same text, unformatted, so it does not depend on the formatter."""
    previous = cfg.__dict__.get('_format_python_code', True)
    cfg.__dict__['_format_python_code'] = False
    try:
        yield
    finally:
        cfg.__dict__['_format_python_code'] = previous


@HOOKS.register_module()
class PreemptionHook(Hook):
    """Turns SIGTERM/SIGINT into "save the last completed iteration, then exit 128 + signum".

    Armed between ``before_train`` and ``after_train``; outside training (``tools/eval.py``)
    the loops iterate their loaders without asking.
    """

    priority = 'VERY_LOW'

    def __init__(self) -> None:
        self.received = 0
        self._previous = {}
        self._iterators = []

    @property
    def armed(self) -> bool:
        """Whether the signal handlers are installed (i.e. training is running)."""
        return bool(self._previous)

    def _on_signal(self, signum, frame) -> None:
        self.received = signum
        if signal.SIGCHLD not in self._previous:
            self._previous[signal.SIGCHLD] = signal.signal(signal.SIGCHLD, _ignore_child_exit)

    def before_train(self, runner) -> None:
        for sig in SIGNALS:
            self._previous[sig] = signal.signal(sig, self._on_signal)

    def after_train(self, runner) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous = {}

    def track(self, iterator) -> None:
        """Remember a loader iterator in use, to shut it down before a preemption save."""
        self._iterators.append(iterator)

    def untrack(self, iterator) -> None:
        self._iterators = [it for it in self._iterators if it is not iterator]

    def agree(self, fetch_failed: bool) -> Tuple[int, bool]:
        """After a fetch on every rank: (signal any rank received or 0, whether any rank's fetch
        failed). One all-reduce under DDP; every rank calls it equally often."""
        if get_world_size() == 1:
            return self.received, fetch_failed
        device = 'cuda' if torch.cuda.is_available() else 'cpu'
        flags = torch.tensor([self.received, int(fetch_failed)], dtype=torch.int64,
                             device=device)
        all_reduce(flags, op='max')
        return int(flags[0].item()), bool(flags[1].item())

    def preempt(self, runner, signum: int) -> None:
        """Shut the loaders down, save the state after ``runner.iter`` iterations, exit."""
        for iterator in reversed(self._iterators):
            shutdown_loader_iterator(iterator)
        self._iterators = []
        ckpt_hook = next(h for h in runner.hooks if isinstance(h, CheckpointHook))
        with _unformatted_config(runner.cfg):
            path = ckpt_hook.save_as(runner, f'iter_{runner.iter}.pth',
                                     dict(epoch=runner.epoch, iter=runner.iter), by_epoch=False)
        runner.logger.warning(
            f'Received {signal.Signals(signum).name}: saved iteration {runner.iter} to '
            f'{path}; exiting with status {128 + signum}. Resume with --resume auto.')
        self.after_train(runner)
        raise SystemExit(128 + signum)
