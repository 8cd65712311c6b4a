"""mmengine's CheckpointHook with crash-safe files and a ``latest.pth`` beside the numbered ones."""
import os.path as osp

from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook as MMEngineCheckpointHook

from ...registry import HOOKS
from ...utils.checkpoint import atomic_link, atomic_write_text

LATEST_NAME = 'latest.pth'
POINTER_NAME = 'last_checkpoint'


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

    def _save_checkpoint_with_step(self, runner, step, meta):
        self._drop_oldest(runner, step)
        self.save_as(runner, self.filename_tmpl.format(step), meta, self.by_epoch)

    def save_as(self, runner, filename: str, meta: dict, by_epoch: bool) -> str:
        """Save to ``filename`` in the checkpoint folder, then repoint ``latest.pth`` and
        ``last_checkpoint``; returns the path. Also used for preemption saves (``iter_N.pth``)."""
        self.last_ckpt = self.file_backend.join_path(self.out_dir, filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        runner.save_checkpoint(
            self.out_dir, filename, self.file_client_args,
            save_optimizer=self.save_optimizer, save_param_scheduler=self.save_param_scheduler,
            meta=meta, by_epoch=by_epoch, backend_args=self.backend_args, **self.args)
        if is_main_process():
            atomic_link(self.last_ckpt, osp.join(self.out_dir, LATEST_NAME))
            atomic_write_text(osp.join(runner.work_dir, POINTER_NAME),  # relative: copyable dir
                              osp.relpath(self.last_ckpt, runner.work_dir))
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
