"""Exponential moving average of the model's weights (the ``ema`` config key): evaluation and
saved checkpoints use the averaged weights, a resumed run restores the average."""
from typing import Optional

from mmengine.hooks import EMAHook as MMEngineEMAHook

from ...registry import HOOKS
from .momentum_update_hook import optimizer_stepped


@HOOKS.register_module()
class EMAHook(MMEngineEMAHook):
    """mmengine's ``EMAHook``, averaging only after iterations in which the optimizer stepped
    (iterations that only accumulate gradients do not count as updates).

    As in mmengine, validation runs on the averaged weights (swapped in and out around each
    validation epoch), every checkpoint's ``state_dict`` holds the averaged weights (the raw ones
    go to ``ema_state_dict``, as ``module.<name>``) so predictors and ``load_from`` use the
    average, and a resume restores both. Arguments are mmengine's (``ema_type``, ``begin_iter``,
    ``begin_epoch``, ``strict_load``) plus those of the averaging model (``momentum``,
    ``gamma``, ``update_buffers``, ``interval``).
    """

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        if optimizer_stepped(runner.optim_wrapper):
            super().after_train_iter(runner, batch_idx, data_batch, outputs)
