"""mmengine's CheckpointHook with crash-safe files and a ``latest.pth`` beside the numbered ones.

It also refuses to write a checkpoint of a broken model: any non-finite tensor (model or
optimizer state), or a model value larger than ``MAX_MAGNITUDE``, stops the run with an error
naming the tensors, so every checkpoint on disk holds usable weights. A failed write (a full
disk) names the checkpoint file.
"""
import os.path as osp
from contextlib import contextmanager
from typing import Iterator, List, Optional

import torch

from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook as MMEngineCheckpointHook
from mmengine.model import is_model_wrapper

from ...registry import HOOKS
from ...utils.checkpoint import atomic_link, atomic_write_text

LATEST_NAME = 'latest.pth'
POINTER_NAME = 'last_checkpoint'
# sqrt(float32 max) ~ 1.8e19: beyond it a value's square (norms, variances, weight decay)
# overflows to inf. No trained network holds such weights; lr=3e38 produces ~5.7e37.
MAX_MAGNITUDE = 1e19


class NonFiniteCheckpointError(FloatingPointError):
    """A checkpoint would hold NaN/Inf or absurdly large values; it was not written."""


def _float_tensors(value, prefix: str) -> Iterator:
    """(dotted name, tensor) for every floating-point tensor nested in dicts/lists."""
    if isinstance(value, torch.Tensor):
        if value.is_floating_point():
            yield prefix, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _float_tensors(item, f'{prefix}.{key}' if prefix else str(key))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _float_tensors(item, f'{prefix}.{i}')


def broken_tensors(checkpoint: dict) -> List[str]:
    """Descriptions of the tensors that make ``checkpoint`` unusable: non-finite values in
    ``state_dict`` or ``optimizer``, or model values above ``MAX_MAGNITUDE``."""
    problems = []
    for part in ('state_dict', 'optimizer'):
        for name, tensor in _float_tensors(checkpoint.get(part, {}), part):
            tensor = tensor.detach()
            bad = (~torch.isfinite(tensor)).sum().item()
            if bad:
                problems.append(f'{name} ({bad} NaN/Inf values)')
            elif part == 'state_dict' and tensor.numel():
                peak = tensor.abs().max().item()
                if peak > MAX_MAGNITUDE:
                    problems.append(f'{name} (|value| up to {peak:.3g} > {MAX_MAGNITUDE:.0e})')
    return problems


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
                    atomic_write_text(osp.join(runner.work_dir, POINTER_NAME), self.last_ckpt)
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
