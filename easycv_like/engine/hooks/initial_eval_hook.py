"""Evaluate once before the first training iteration (``eval_config.initial=True``)."""
from mmengine.hooks import Hook

from ...registry import HOOKS


@HOOKS.register_module()
class InitialEvalHook(Hook):
    """Runs the validation loop before training starts, unless the run resumed mid-way."""

    # after every other before_train (CheckpointHook's is VERY_LOW): save_best needs it to have run
    priority = 'LOWEST'

    def before_train(self, runner) -> None:
        if runner.iter == 0 and runner.val_loop is not None:
            runner.val_loop.run()
