"""mmengine's default optimizer constructor with one log line for the frozen parameters.

With ``paramwise_cfg`` mmengine walks every parameter and logs a WARNING for each one with
``requires_grad=False``. A momentum encoder (DINO, MoBY) or a frozen backbone holds hundreds
of them: one run logged 160 such warnings, which buried the warnings that matter (a precision
fallback, a partial weight load). Leaving them out of the optimizer is right, so they are
counted and reported once, at INFO.
"""
import logging

from mmengine.logging import MMLogger, print_log
from mmengine.optim import DefaultOptimWrapperConstructor
from torch import nn

from ...registry import OPTIM_WRAPPER_CONSTRUCTORS

_SKIPPED = 'is skipped since its requires_grad=False'


class _FrozenCounter(logging.Filter):
    """Drops mmengine's per-parameter 'requires_grad=False' records and counts them."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().endswith(_SKIPPED):
            self.count += 1
            return False
        return True


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class TrainableParamsOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """``DefaultOptimWrapperConstructor`` whose skipped frozen parameters are logged as one line.

    The engine uses it whenever a config sets ``paramwise_options`` and names no constructor.

    Args:
        optim_wrapper_cfg: the optimizer wrapper config (with ``optimizer``).
        paramwise_cfg: mmengine's paramwise options.
    """

    def __call__(self, model: nn.Module):
        logger = MMLogger.get_current_instance()
        counter = _FrozenCounter()
        logger.addFilter(counter)
        try:
            wrapper = super().__call__(model)
        finally:
            logger.removeFilter(counter)
        if counter.count:
            print_log(f'Optimizer: {counter.count} parameter tensors with requires_grad=False '
                      '(momentum encoders, frozen layers) are left out.', logger='current',
                      level=logging.INFO)
        return wrapper
