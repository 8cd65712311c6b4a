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

    mmengine copies the model for averaging in ``before_run``, before the Runner initialises
    the weights (``init_weights``, ``init_cfg`` pretrained backbones, ``load_from``); a fresh
    run therefore copies the initialised weights into the average in ``before_train``, so that
    the evaluation before the first step (``eval_config.initial``) sees the model that training
    starts from.
    """

    def before_train(self, runner) -> None:
        super().before_train(runner)
        if int(self.ema_model.steps) == 0:  # not resumed: no average yet
            self.ema_model.module.load_state_dict(self.src_model.state_dict())

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """A resume restores the average (mmengine). A ``load_from`` leaves it to
        ``before_train``, which copies the model as loaded: mmengine's own copy reads
        ``checkpoint['state_dict']``, which a Megvii YOLOX file (``model``) or a plain state
        dict lacks (a ``KeyError`` before training), and would read it by the file's names,
        before ``WeightLoadHook`` renames them."""
        if runner._resume:
            super().after_load_checkpoint(runner, checkpoint)

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        if optimizer_stepped(runner.optim_wrapper):
            super().after_train_iter(runner, batch_idx, data_batch, outputs)
