"""Cosine weight-decay schedule (DINO, https://arxiv.org/abs/2104.14294) as an mmengine
parameter scheduler, so its state is checkpointed and resumed with the learning rate's."""
import math
from typing import Union

from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper
from mmengine.optim.scheduler import CosineAnnealingParamScheduler
from torch.optim import Optimizer

from ...errors import ConfigError
from ...registry import PARAM_SCHEDULERS


@PARAM_SCHEDULERS.register_module()
class CosineWeightDecay(CosineAnnealingParamScheduler):
    """mmengine's cosine annealing of ``weight_decay`` from the optimizer's ``weight_decay`` to
    ``end_wd`` over ``T_max`` steps: ``wd(t) = end + (start - end) * (1 + cos(pi t / T)) / 2``.

    Each parameter group keeps its ratio to the base value (``eta_min_ratio = end / start``), so
    groups without weight decay (norms, biases) stay at 0. The base value of every iteration is
    logged as ``train/weight_decay``.

    Args:
        optimizer: the optimizer or optim wrapper; its ``weight_decay`` must be > 0.
        end_wd: the weight decay at step ``T_max``.
        **kwargs: ``CosineAnnealingParamScheduler``'s (``T_max``, ``begin``, ``end``,
            ``by_epoch``...).
    """

    def __init__(self, optimizer: Union[Optimizer, OptimWrapper], end_wd: float,
                 **kwargs) -> None:
        start_wd = optimizer.defaults.get('weight_decay', 0.0)
        if start_wd <= 0:
            raise ConfigError('weight_decay_config needs an optimizer with weight_decay > 0 '
                              f'(got {start_wd}).')
        self.start_wd, self.end_wd = start_wd, end_wd
        super().__init__(optimizer, param_name='weight_decay', eta_min_ratio=end_wd / start_wd,
                         **kwargs)

    def base_weight_decay(self, step: int) -> float:
        """The scheduled weight decay of a group that starts at the optimizer's value."""
        cosine = (1 + math.cos(math.pi * min(step, self.T_max) / self.T_max)) / 2
        return self.end_wd + (self.start_wd - self.end_wd) * cosine

    def step(self) -> None:
        """Step, and log the value the next iteration uses (once per iteration, as mmengine
        logs the learning rate; nothing after the last one)."""
        super().step()
        if self.begin <= self._global_step < self.end:
            MessageHub.get_current_instance().update_scalar(
                'train/weight_decay', self.base_weight_decay(self.last_step))
