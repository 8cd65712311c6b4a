"""mmengine's CheckpointHook with crash-safe files and a ``latest.pth`` beside the numbered ones.

It also refuses to write a checkpoint of a broken model (``engine/checkpoint_integrity.py``),
names the file when a write fails (a full disk), and with ``save_best`` writes a step's checkpoint
once, after the validation that follows it.
"""
import os.path as osp
from contextlib import contextmanager
from typing import Iterator, Optional

from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook as MMEngineCheckpointHook
from mmengine.model import is_model_wrapper
from mmengine.runner import EpochBasedTrainLoop

from ...errors import ConfigError, closest
from ...registry import HOOKS
from ...utils.checkpoint import atomic_link, atomic_write_text
from ..checkpoint_integrity import NonFiniteCheckpointError, broken_tensors

LATEST_NAME = 'latest.pth'
POINTER_NAME = 'last_checkpoint'
@contextmanager
def _naming_failed_write(path: Optional[str]) -> Iterator[None]:
    """An ``OSError`` while saving (e.g. ENOSPC) is re-raised naming the checkpoint file."""
    try:
        yield
    except OSError as err:
        raise OSError(err.errno, f'Could not write checkpoint {path}: {err.strerror or err}. '
                      'The previous checkpoints are intact.') from err


@HOOKS.register_module()
class CheckpointHook(MMEngineCheckpointHook):
    """Save ``epoch_N.pth`` / ``iter_N.pth`` atomically, then point ``latest.pth`` and
    ``last_checkpoint`` at it (each also replaced atomically).

    A kill at any byte of a save leaves the previous checkpoint, ``latest.pth`` and the pointer
    intact. Arguments are mmengine's; ``backend_args`` defaults to the atomic local backend.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault('backend_args', dict(backend='atomic_local'))
        super().__init__(*args, **kwargs)
        self._writing = None
        self._pending_save = None  # (step, meta) of a save waiting for the validation after it
        self._during_best = False
        self._resave = None

    def _save_checkpoint(self, runner) -> None:
        """With ``save_best``, a save that a validation follows waits for it (``after_val_epoch``),
        so the file is written once and holds the new best score: mmengine writes it before the
        validation and again after it whenever the best improves."""
        if not (self.save_best and self._validation_follows(runner)):
            super()._save_checkpoint(runner)
            return
        if self.by_epoch:
            step = runner.epoch + 1
            self._pending_save = (step, dict(epoch=step, iter=runner.iter))
        else:
            step = runner.iter + 1
            self._pending_save = (step, dict(epoch=runner.epoch, iter=step))

    def _validation_follows(self, runner) -> bool:
        """Whether the train loop validates right after the step being saved."""
        loop = runner.train_loop
        if self.by_epoch != isinstance(loop, EpochBasedTrainLoop) or runner.val_loop is None:
            return False
        done = runner.epoch + 1 if self.by_epoch else runner.iter + 1
        last = loop.max_epochs if self.by_epoch else loop.max_iters
        return done >= loop.val_begin and (done % loop.val_interval == 0 or done == last)

    def after_val_epoch(self, runner, metrics) -> None:
        pending, self._pending_save = self._pending_save, None
        missing = [k for k in getattr(self, 'key_indicators', None) or []
                   if k != 'auto' and k not in metrics]
        if metrics and missing:  # mmengine: a bare KeyError; the step's checkpoint is kept
            if pending is not None:
                self._save_checkpoint_with_step(runner, *pending)
            raise ConfigError(f'eval_config.save_best={missing[0]!r} is not a metric of the '
                              f'validation{closest(missing[0], metrics)}; it gave '
                              f'{", ".join(sorted(metrics))}.')
        self._during_best, self._resave = True, None
        try:
            super().after_val_epoch(runner, metrics)
        finally:
            self._during_best = False
        if pending is not None or self._resave is not None:
            self._save_checkpoint_with_step(runner, *(pending or self._resave))

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Refuse (raise) before a checkpoint of a broken model is written; saves through
        :meth:`save_as` were checked already, on every rank."""
        if self._writing is None:
            self._refuse_broken(runner, checkpoint, 'the best checkpoint')

    def _refuse_broken(self, runner, checkpoint: dict, target: str) -> None:
        problems = broken_tensors(checkpoint)
        if problems:
            shown = '; '.join(problems[:5]) + (f'; and {len(problems) - 5} more'
                                               if len(problems) > 5 else '')
            raise NonFiniteCheckpointError(
                f'Refusing to write {target}: the model is broken at iteration {runner.iter}: '
                f'{shown}. The earlier checkpoints are intact; lower the learning rate, clip '
                "gradients or use optimizer_config.nonfinite='skip'.")

    def _save_best_checkpoint(self, runner, metrics) -> None:
        with _naming_failed_write(getattr(self, 'best_ckpt_path', None) or self.out_dir):
            super()._save_best_checkpoint(runner, metrics)

    def _save_checkpoint_with_step(self, runner, step, meta):
        if self._during_best:  # mmengine's re-save after a new best: done once, after it
            self._resave = (step, meta)
            return
        self._drop_oldest(runner, step)
        self.save_as(runner, self.filename_tmpl.format(step), meta, self.by_epoch)

    def save_as(self, runner, filename: str, meta: dict, by_epoch: bool) -> str:
        """Save to ``filename`` in the checkpoint folder, then repoint ``latest.pth`` and
        ``last_checkpoint``; returns the path. Also used for preemption saves (``iter_N.pth``)."""
        path = self.file_backend.join_path(self.out_dir, filename)
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        state = dict(state_dict=model.state_dict())
        if self.save_optimizer:
            state['optimizer'] = runner.optim_wrapper.state_dict()
        self._refuse_broken(runner, state, path)  # every rank: under DDP all stop together
        self.last_ckpt = path
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        self._writing = self.last_ckpt
        try:
            with _naming_failed_write(self.last_ckpt):
                runner.save_checkpoint(
                    self.out_dir, filename, self.file_client_args,
                    save_optimizer=self.save_optimizer,
                    save_param_scheduler=self.save_param_scheduler, meta=meta,
                    by_epoch=by_epoch, backend_args=self.backend_args, **self.args)
                if is_main_process():
                    atomic_link(self.last_ckpt, osp.join(self.out_dir, LATEST_NAME))
                    atomic_write_text(osp.join(runner.work_dir, POINTER_NAME),  # relative:
                                      osp.relpath(self.last_ckpt, runner.work_dir))  # copyable
        finally:
            self._writing = None
        if is_main_process():
            runner.logger.info(f'Saved checkpoint {self.last_ckpt}')
        return self.last_ckpt

    def _drop_oldest(self, runner, step):
        """Forget (and delete) the oldest numbered checkpoint past ``max_keep_ckpts``."""
        if self.max_keep_ckpts <= 0:
            return
        if self.keep_ckpt_ids and self.keep_ckpt_ids[-1] == step:
            return
        if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
            old = self.keep_ckpt_ids.popleft()
            old_path = self.file_backend.join_path(self.out_dir, self.filename_tmpl.format(old))
            if is_main_process() and self.file_backend.isfile(old_path):
                self.file_backend.remove(old_path)
        self.keep_ckpt_ids.append(step)
        runner.message_hub.update_info('keep_ckpt_ids', list(self.keep_ckpt_ids))
