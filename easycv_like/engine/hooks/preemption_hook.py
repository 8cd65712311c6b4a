"""Preemption: on SIGTERM/SIGINT finish the current step, checkpoint it, and exit.

SLURM and Kubernetes send SIGTERM (SIGINT from a terminal) some time before killing a job. The
signal only sets a flag; after the running iteration the flag is agreed on by all ranks, the
state of that iteration is saved as ``iter_N.pth`` (``latest.pth`` and ``last_checkpoint``
point at it) and the process exits with ``128 + signal number`` (143 for SIGTERM, 130 for
SIGINT), so launchers see a failure and may restart; ``--resume auto`` continues exactly there.
"""
import signal

import torch
from mmengine.dist import all_reduce, get_world_size
from mmengine.hooks import Hook

from ...registry import HOOKS
from .checkpoint_hook import CheckpointHook

SIGNALS = (signal.SIGTERM, signal.SIGINT)


@HOOKS.register_module()
class PreemptionHook(Hook):
    """Turns SIGTERM/SIGINT into "save this iteration, then exit 128 + signum"."""

    priority = 'VERY_LOW'  # after the optimizer step, LR update and logging of the iteration

    def __init__(self) -> None:
        self.received = 0
        self._previous = {}

    def _on_signal(self, signum, frame) -> None:
        self.received = signum

    def before_train(self, runner) -> None:
        for sig in SIGNALS:
            self._previous[sig] = signal.signal(sig, self._on_signal)

    def after_train(self, runner) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous = {}

    def _agreed_signal(self) -> int:
        if get_world_size() == 1:
            return self.received
        device = 'cuda' if torch.cuda.is_available() else 'cpu'
        flag = torch.tensor([self.received], dtype=torch.int64, device=device)
        all_reduce(flag, op='max')
        return int(flag.item())

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        signum = self._agreed_signal()
        if not signum:
            return
        ckpt_hook = next(h for h in runner.hooks if isinstance(h, CheckpointHook))
        path = ckpt_hook.save_as(runner, f'iter_{runner.iter + 1}.pth', {}, by_epoch=False)
        runner.logger.warning(
            f'Received {signal.Signals(signum).name}: saved iteration {runner.iter + 1} to '
            f'{path}; exiting with status {128 + signum}. Resume with --resume auto.')
        self.after_train(runner)
        raise SystemExit(128 + signum)
