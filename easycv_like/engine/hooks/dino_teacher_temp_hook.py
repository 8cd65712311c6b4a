"""Warm up DINO's teacher temperature (Caron et al., https://arxiv.org/abs/2104.14294)."""
from typing import Optional

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from ...registry import HOOKS
from ..run_length_check import check_hook_within_run


@HOOKS.register_module()
class DINOTeacherTempHook(Hook):
    """Set the model's scheduled value ``head.teacher_temp`` (``DINO``) before every training
    iteration: linear from ``start_temp`` to ``end_temp`` over the warm-up, then constant.

    ``temp(it) = start + (end - start) * min(it / warmup_iters, 1)``, counted in iterations
    (the paper steps once per epoch). The value is also logged as ``teacher_temp``.

    Args:
        start_temp: temperature at iteration 0. Default 0.04.
        end_temp: temperature after the warm-up. Default 0.07.
        warmup_epochs: warm-up length in epochs (times the iterations per epoch). Default 30.
        warmup_iters: warm-up length in iterations; overrides ``warmup_epochs``. Default None.
    """

    priority = 'NORMAL'

    def __init__(self, start_temp: float = 0.04, end_temp: float = 0.07,
                 warmup_epochs: float = 30, warmup_iters: Optional[int] = None) -> None:
        self.start_temp = start_temp
        self.end_temp = end_temp
        self.warmup_epochs = warmup_epochs
        self.warmup_iters = warmup_iters

    def before_train(self, runner) -> None:
        key = 'warmup_epochs' if self.warmup_iters is None else 'warmup_iters'
        if self.warmup_iters is None:
            self.warmup_iters = int(self.warmup_epochs * len(runner.train_dataloader))
        check_hook_within_run('DINOTeacherTempHook', key, self.warmup_iters, runner,
                              f'the teacher temperature would never reach end_temp='
                              f'{self.end_temp}')

    def temperature(self, it: int) -> float:
        """The scheduled teacher temperature at iteration ``it``."""
        progress = min(it / self.warmup_iters, 1.0) if self.warmup_iters > 0 else 1.0
        return self.start_temp + (self.end_temp - self.start_temp) * progress

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        temp = self.temperature(runner.iter)
        model.set_scheduled_value('head.teacher_temp', temp)
        runner.message_hub.update_scalar('train/teacher_temp', temp)
