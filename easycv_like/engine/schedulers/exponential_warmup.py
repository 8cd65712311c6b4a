"""Exponential learning-rate warm-up (``lr_config.warmup='exp'``), which mmengine lacks."""
from mmengine.optim.scheduler.lr_scheduler import LRSchedulerMixin
from mmengine.optim.scheduler.param_scheduler import _ParamScheduler

from ...registry import PARAM_SCHEDULERS


class ExponentialWarmupParamScheduler(_ParamScheduler):
    """Scale the parameter by ``ratio ** (1 - t / (T - 1))`` for step ``t`` of ``T = end - begin``.

    Starts at ``ratio`` times the base value and reaches the base value at ``end``.

    Args:
        optimizer: the optimizer (or optim wrapper).
        param_name: the parameter to schedule (``'lr'`` for the LR variant).
        ratio: the starting factor, in (0, 1].
    """

    def __init__(self, optimizer, param_name: str, ratio: float = 0.1, begin: int = 0,
                 end: int = 100, last_step: int = -1, by_epoch: bool = False,
                 verbose: bool = False):
        if not 0 < ratio <= 1:
            raise ValueError(f'warmup ratio must be in (0, 1], got {ratio}')
        self.ratio = ratio
        super().__init__(optimizer, param_name, begin=begin, end=end, last_step=last_step,
                         by_epoch=by_epoch, verbose=verbose)

    def _factor(self, step: int) -> float:
        last = max(self.end - self.begin - 1, 1)
        return self.ratio ** (1 - min(step, last) / last)

    def _get_value(self):
        step = self.last_step
        prev = self._factor(step - 1) if step > 0 else 1.0
        scale = self._factor(step) / prev
        return [group[self.param_name] * scale for group in self.optimizer.param_groups]


@PARAM_SCHEDULERS.register_module()
class ExponentialWarmupLR(LRSchedulerMixin, ExponentialWarmupParamScheduler):
    """Exponential warm-up of the learning rate."""
