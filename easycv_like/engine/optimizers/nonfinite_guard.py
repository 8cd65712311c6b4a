"""What happens when a loss is NaN or Inf (``optimizer_config.nonfinite``).

``'stop'`` (default): the first non-finite loss raises ``NonFiniteLossError`` naming the
iteration, before any update, so no checkpoint of broken weights is ever written. ``'skip'``:
the update is skipped (weights and optimizer state unchanged), counted in the log as
``nonfinite_skips``, and the run stops after ``max_nonfinite`` consecutive skips. Under fp16 a
dynamic loss scale that falls below ``min_loss_scale`` is an error too (it would loop forever).
"""
import math

import torch
from mmengine.logging import MessageHub
from mmengine.optim import AmpOptimWrapper, OptimWrapper

from ...models.loss_terms import NONFINITE_TERMS_KEY
from ...registry import OPTIM_WRAPPERS
from .cpu_autocast_optim_wrapper import CpuAutocastOptimWrapper


class NonFiniteLossError(FloatingPointError):
    """Training produced a NaN/Inf loss (or an fp16 loss scale collapsed)."""


class NonFiniteGuard:
    """Mixin for mmengine optim wrappers: checks the loss before ``update_params``."""

    def __init__(self, *args, nonfinite: str = 'stop', max_nonfinite: int = 10,
                 min_loss_scale: float = 1e-4, **kwargs):
        if nonfinite not in ('stop', 'skip'):
            raise ValueError(f"optimizer_config.nonfinite must be 'stop' or 'skip', "
                             f'got {nonfinite!r}')
        super().__init__(*args, **kwargs)
        self.nonfinite = nonfinite
        self.max_nonfinite = max_nonfinite
        self.min_loss_scale = min_loss_scale
        self.consecutive_skips = 0
        self.total_skips = 0

    def update_params(self, loss: torch.Tensor, **kwargs) -> None:
        hub = MessageHub.get_current_instance()
        if not torch.isfinite(loss.detach()).all():
            iteration = hub.get_info('iter', 0)
            terms = hub.get_info(NONFINITE_TERMS_KEY) or []
            hub.update_info(NONFINITE_TERMS_KEY, [])
            named = f" (non-finite terms: {', '.join(terms)})" if terms else ''
            if self.nonfinite == 'stop':
                raise NonFiniteLossError(
                    f'Loss is {loss.item()} at iteration {iteration}{named}; stopping before '
                    'the update (the last checkpoint holds finite weights). Set '
                    "optimizer_config.nonfinite='skip' to skip such steps instead.")
            self.consecutive_skips += 1
            self.total_skips += 1
            hub.update_scalar('train/nonfinite_skips', self.total_skips)
            self.zero_grad()
            if self.consecutive_skips > self.max_nonfinite:
                raise NonFiniteLossError(
                    f'{self.consecutive_skips} consecutive non-finite losses up to iteration '
                    f'{iteration}{named} (max_nonfinite={self.max_nonfinite}); stopping.')
            return
        self.consecutive_skips = 0
        super().update_params(loss, **kwargs)
        scaler = getattr(self, 'loss_scaler', None)
        if scaler is not None and scaler.is_enabled():
            scale = scaler.get_scale()
            if not math.isfinite(scale) or scale < self.min_loss_scale:
                raise NonFiniteLossError(
                    f'fp16 loss scale fell to {scale} (< {self.min_loss_scale}) at iteration '
                    f"{hub.get_info('iter', 0)}: gradients keep overflowing; lower the LR or "
                    "train with fp16=dict(dtype='bfloat16').")


@OPTIM_WRAPPERS.register_module()
class GuardedOptimWrapper(NonFiniteGuard, OptimWrapper):
    """``OptimWrapper`` with the non-finite loss policy."""


@OPTIM_WRAPPERS.register_module()
class GuardedAmpOptimWrapper(NonFiniteGuard, AmpOptimWrapper):
    """``AmpOptimWrapper`` (CUDA fp16/bf16) with the non-finite loss policy."""


@OPTIM_WRAPPERS.register_module()
class GuardedCpuAutocastOptimWrapper(NonFiniteGuard, CpuAutocastOptimWrapper):
    """``CpuAutocastOptimWrapper`` with the non-finite loss policy."""
