"""Evaluate once before the first training iteration (``eval_config.initial=True``)."""
from mmengine.hooks import Hook

from ...registry import HOOKS


@HOOKS.register_module()
class InitialEvalHook(Hook):
    """Runs the validation loop before training starts, unless the run resumed mid-way."""

    priority = 'LOW'

    def before_train(self, runner) -> None:
        if runner.iter == 0 and runner.val_loop is not None:
            runner.val_loop.run()
