"""Cosine weight-decay schedule (DINO, https://arxiv.org/abs/2104.14294)."""
import math

from mmengine.hooks import Hook

from ...registry import HOOKS


@HOOKS.register_module()
class WeightDecayScheduleHook(Hook):
    """Before every training iteration, move the weight decay along a cosine from the
    optimizer's ``weight_decay`` to ``end_wd`` over the whole training.

    ``wd(it) = end + (start - end) * (1 + cos(pi * it / max_iters)) / 2``. Each parameter group
    keeps its own ratio to the base value (recorded once as ``initial_weight_decay``, which is
    saved with the optimizer state), so groups without weight decay (norms, biases) stay at 0.
    The base value is logged as ``weight_decay``.

    Args:
        end_wd: weight decay at the end of training. Default 0.4.
    """

    priority = 'NORMAL'

    def __init__(self, end_wd: float = 0.4) -> None:
        self.end_wd = end_wd

    def weight_decay(self, start_wd: float, it: int, max_iters: int) -> float:
        """The scheduled base weight decay at iteration ``it`` of ``max_iters``."""
        cosine = (1 + math.cos(math.pi * it / max_iters)) / 2
        return self.end_wd + (start_wd - self.end_wd) * cosine

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        optimizer = runner.optim_wrapper.optimizer
        start_wd = optimizer.defaults.get('weight_decay', 0.0)
        if start_wd <= 0:
            raise ValueError('WeightDecayScheduleHook needs an optimizer with weight_decay > 0')
        base = self.weight_decay(start_wd, runner.iter, runner.max_iters)
        for group in optimizer.param_groups:
            group.setdefault('initial_weight_decay', group['weight_decay'])
            group['weight_decay'] = group['initial_weight_decay'] / start_wd * base
        runner.message_hub.update_scalar('train/weight_decay', base)
