"""What happens when a loss is NaN or Inf (``optimizer_config.nonfinite``).

``'stop'`` (default): the first non-finite loss raises ``NonFiniteLossError`` naming the
iteration, before any update, so no checkpoint of broken weights is ever written. ``'skip'``:
the update is skipped and every buffer the forward pass changed (batch-norm statistics, MoCo
queue and pointer, DINO centre...) is put back, so weights, buffers and optimizer state are
exactly as before the step; skips are counted in the log as ``nonfinite_skips`` and the run
stops after ``max_nonfinite`` consecutive ones. Under DDP the ranks agree (an all-reduce of the
finite flag), so a NaN on one rank makes all of them skip or stop together. Under fp16 a dynamic
loss scale that falls below ``min_loss_scale`` is an error too (it would loop forever).
"""
import math
from contextlib import contextmanager
from typing import Dict, Tuple

import torch
from mmengine.dist import all_reduce, get_world_size
from mmengine.logging import MessageHub
from mmengine.optim import AmpOptimWrapper, OptimWrapper

from ...models.loss_terms import NONFINITE_TERMS_KEY
from ...registry import OPTIM_WRAPPERS
from .cpu_autocast_optim_wrapper import CpuAutocastOptimWrapper


class NonFiniteLossError(FloatingPointError):
    """Training produced a NaN/Inf loss (or an fp16 loss scale collapsed)."""


def snapshot_buffers(model: torch.nn.Module) -> Dict[str, torch.Tensor]:
    """Copies of all of ``model``'s buffers by name (parameters are not copied: a skipped step
    leaves them untouched)."""
    return {name: buf.detach().clone() for name, buf in model.named_buffers()}


@torch.no_grad()
def restore_buffers(model: torch.nn.Module, saved: Dict[str, torch.Tensor]) -> None:
    """Put back the buffers of :func:`snapshot_buffers`, in place where the shape allows (DDP
    and hooks keep references to them), else by re-registering the saved copy."""
    for name, value in saved.items():
        path, _, attr = name.rpartition('.')
        owner = model.get_submodule(path)
        current = owner._buffers.get(attr)
        if current is not None and current.shape == value.shape:
            current.copy_(value)
        else:
            owner._buffers[attr] = value


def _finite_here_and_everywhere(loss: torch.Tensor) -> Tuple[bool, bool]:
    """(whether this rank's loss is finite, whether every rank's is): one all-reduce (MIN)."""
    finite = bool(torch.isfinite(loss.detach()).all())
    if get_world_size() == 1:
        return finite, finite
    flag = torch.tensor([int(finite)], dtype=torch.int32, device=loss.device)
    all_reduce(flag, op='min')
    return finite, bool(flag.item())


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
        self._model = None
        self._buffers_before = {}

    @contextmanager
    def optim_context(self, model: torch.nn.Module):
        """Entered by ``train_step`` before the forward pass: under ``'skip'`` remember the
        buffers, so that a skipped step can undo what the forward pass did to them."""
        if self.nonfinite == 'skip':
            self._model, self._buffers_before = model, snapshot_buffers(model)
        with super().optim_context(model):
            yield

    def update_params(self, loss: torch.Tensor, **kwargs) -> None:
        hub = MessageHub.get_current_instance()
        finite_here, finite_everywhere = _finite_here_and_everywhere(loss)
        if not finite_everywhere:
            iteration = hub.get_info('iter', 0)
            terms = hub.get_info(NONFINITE_TERMS_KEY) or []
            hub.update_info(NONFINITE_TERMS_KEY, [])
            named = f" (non-finite terms: {', '.join(terms)})" if terms else ''
            where = (f'Loss is {loss.item()}' if not finite_here else
                     f'Loss is non-finite on another rank (here {loss.item()})')
            if self.nonfinite == 'stop':
                raise NonFiniteLossError(
                    f'{where} at iteration {iteration}{named}; stopping before the update (the '
                    'last checkpoint holds finite weights). Set '
                    "optimizer_config.nonfinite='skip' to skip such steps instead.")
            self.consecutive_skips += 1
            self.total_skips += 1
            hub.update_scalar('train/nonfinite_skips', self.total_skips)
            if self._model is not None:
                restore_buffers(self._model, self._buffers_before)
            self._model, self._buffers_before = None, {}
            self.zero_grad()
            if self.consecutive_skips > self.max_nonfinite:
                raise NonFiniteLossError(
                    f'{self.consecutive_skips} consecutive non-finite losses up to iteration '
                    f'{iteration}{named} (max_nonfinite={self.max_nonfinite}); stopping.')
            return
        self.consecutive_skips = 0
        self._model, self._buffers_before = None, {}
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
