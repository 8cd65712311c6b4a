"""``ExpMomentumEMA``: an exponential moving average whose weight on new values starts at 1 and
decays to ``momentum`` (the YOLOX ramp), so early, poor weights are forgotten fast."""
import math
from typing import Optional

import torch
from mmengine.model import ExponentialMovingAverage
from torch import nn

from easycv_like.errors import ConfigError
from easycv_like.registry import MODELS


def exp_ramp_momentum(momentum: float, gamma: float, update: int) -> float:
    """Weight of the new value at the ``update``-th average (1-based):
    ``1 - (1 - momentum) * (1 - exp(-update / gamma))``.

    This is YOLOX's ``decay = 0.9998 * (1 - exp(-n / 2000))`` written as mmengine's momentum
    (``ema = (1 - m) * ema + m * x``) with ``momentum = 1 - 0.9998``.
    """
    return 1.0 - (1.0 - momentum) * (1.0 - math.exp(-update / gamma))


@MODELS.register_module()
class ExpMomentumEMA(ExponentialMovingAverage):
    """EMA of a model with the YOLOX ramp (https://arxiv.org/abs/2107.08430).

    mmengine's first update copies the model; the ``k``-th later one (``steps`` = k) uses the
    momentum :func:`exp_ramp_momentum` ``(momentum, gamma, k + 1)``.

    Args:
        model: the model to average.
        momentum: the final weight of the new value (``1 - decay``). Default 0.0002.
        gamma: ramp length in updates (the 2000 of ``1 - exp(-n / 2000)``). Default 2000.
        interval: average every ``interval`` updates. Default 1.
        device: device of the averaged copy (default: the model's).
        update_buffers: average buffers (BN statistics) too. Default True.
    """

    def __init__(self, model: nn.Module, momentum: float = 0.0002, gamma: float = 2000,
                 interval: int = 1, device: Optional[torch.device] = None,
                 update_buffers: bool = True) -> None:
        if gamma <= 0:
            raise ConfigError(f'ExpMomentumEMA: gamma must be > 0, got {gamma}.')
        super().__init__(model, momentum=momentum, interval=interval, device=device,
                         update_buffers=update_buffers)
        self.gamma = float(gamma)

    def avg_func(self, averaged_param: torch.Tensor, source_param: torch.Tensor,
                 steps: int) -> None:
        """``averaged = (1 - m) * averaged + m * source`` with the ramped ``m``."""
        averaged_param.lerp_(source_param,
                             exp_ramp_momentum(self.momentum, self.gamma, int(steps) + 1))
