"""What happens when a loss or a gradient is NaN or Inf (``optimizer_config.nonfinite``).

``'stop'`` (default): the first non-finite loss, or a finite loss with non-finite gradients
(fp32 and bfloat16; fp16's loss scaler skips those steps itself), raises ``NonFiniteLossError``
naming the iteration (and the parameters), before any update, so no checkpoint of broken weights
is ever written. ``'skip'``: the update is skipped and every buffer the forward pass changed
(batch-norm statistics, MoCo queue and pointer, DINO centre...) is put back, so weights, buffers
and optimizer state are exactly as before the step; skips are counted in the log as
``nonfinite_skips`` and the run stops after ``max_nonfinite`` consecutive ones. Under DDP the
ranks agree (an all-reduce of the finite flag), so a NaN on one rank makes all of them skip or
stop together. Under fp16 a dynamic loss scale that falls below ``min_loss_scale`` is an error
too (it would loop forever).
"""
import math
from contextlib import contextmanager
from typing import Dict, Optional, Tuple

import torch
from mmengine.dist import all_reduce, get_world_size
from mmengine.logging import MessageHub
from mmengine.optim import AmpOptimWrapper, OptimWrapper

from ...errors import ConfigError
from ...models.loss_terms import NONFINITE_TERMS_KEY
from ...registry import OPTIM_WRAPPERS
from .cpu_autocast_optim_wrapper import CpuAutocastOptimWrapper

SHOWN_PARAMS = 5


class NonFiniteLossError(FloatingPointError):
    """Training produced a NaN/Inf loss or gradient (or an fp16 loss scale collapsed)."""


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
    """Mixin for mmengine optim wrappers: checks the loss before ``update_params`` and, where no
    loss scaler already skips overflowing steps (fp32, bfloat16 autocast), the gradients before
    ``step``: a finite loss can still back-propagate an Inf or NaN gradient."""

    def __init__(self, *args, nonfinite: str = 'stop', max_nonfinite: int = 10,
                 min_loss_scale: float = 1e-4, **kwargs):
        if nonfinite not in ('stop', 'skip'):
            raise ConfigError(f"optimizer_config.nonfinite must be 'stop' or 'skip', "
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
        """Entered by ``train_step`` before the forward pass: remember the model (to name
        parameters) and, under ``'skip'``, its buffers, so that a skipped step can undo what the
        forward pass did to them."""
        self._model = model
        if self.nonfinite == 'skip':
            self._buffers_before = snapshot_buffers(model)
        with super().optim_context(model):
            yield

    def update_params(self, loss: torch.Tensor, **kwargs) -> None:
        hub = MessageHub.get_current_instance()
        finite_here, finite_everywhere = _finite_here_and_everywhere(loss)
        if not finite_everywhere:
            terms = hub.get_info(NONFINITE_TERMS_KEY) or []
            hub.update_info(NONFINITE_TERMS_KEY, [])
            named = f" (non-finite terms: {', '.join(terms)})" if terms else ''
            where = (f'Loss is {loss.item()}' if not finite_here else
                     f'Loss is non-finite on another rank (here {loss.item()})')
            self._refuse_update(where, named, 'losses')
            return
        super().update_params(loss, **kwargs)
        scaler = getattr(self, 'loss_scaler', None)
        if scaler is not None and scaler.is_enabled():
            scale = scaler.get_scale()
            if not math.isfinite(scale) or scale < self.min_loss_scale:
                raise NonFiniteLossError(
                    f'fp16 loss scale fell to {scale} (< {self.min_loss_scale}) at iteration '
                    f"{hub.get_info('iter', 0)}: gradients keep overflowing; lower the LR or "
                    "train with fp16=dict(dtype='bfloat16').")

    def step(self, **kwargs) -> None:
        scaler = getattr(self, 'loss_scaler', None)
        if scaler is None or not scaler.is_enabled():
            bad = self._nonfinite_gradients()
            if bad is not None:
                self._refuse_update(bad, '', 'gradients')
                return
        self.consecutive_skips = 0
        self._model, self._buffers_before = None, {}
        super().step(**kwargs)

    def _nonfinite_gradients(self) -> Optional[str]:
        """None when every rank's gradients are finite, else what to report: the parameters
        whose gradient holds an Inf or NaN. The usual cost is one L2 norm over all gradients
        (Inf or NaN in any makes it non-finite); only then is each tensor checked, which also
        clears a norm that overflowed on huge but finite values."""
        params = [p for group in self.optimizer.param_groups for p in group['params']
                  if p.grad is not None]
        if not params:
            return None
        norm = torch.nn.utils.get_total_norm([p.grad for p in params], norm_type=2.0)
        bad = [] if torch.isfinite(norm) else [p for p in params
                                                if not torch.isfinite(p.grad).all()]
        finite_here, finite_everywhere = _finite_here_and_everywhere(
            torch.tensor(0.0 if not bad else math.inf, device=norm.device))
        if finite_everywhere:
            return None
        if finite_here:
            return 'Gradients are non-finite on another rank (finite here)'
        names = {id(p): name.removeprefix('module.')
                 for name, p in (self._model.named_parameters() if self._model else ())}
        shown = [names.get(id(p), f'<unnamed {tuple(p.shape)}>') for p in bad[:SHOWN_PARAMS]]
        return (f'Gradients hold Inf/NaN (loss finite) in {len(bad)} parameters: '
                + ', '.join(shown) + (', ...' if len(bad) > SHOWN_PARAMS else ''))

    def _refuse_update(self, what: str, named: str, kind: str) -> None:
        """Apply the policy to a step that must not update: raise under ``'stop'``; under
        ``'skip'`` put the buffers back, drop the gradients and count the skip."""
        hub = MessageHub.get_current_instance()
        iteration = hub.get_info('iter', 0)
        if self.nonfinite == 'stop':
            raise NonFiniteLossError(
                f'{what} at iteration {iteration}{named}; stopping before the update (the '
                'last checkpoint holds finite weights). Set '
                "optimizer_config.nonfinite='skip' to skip such steps instead.")
        self.consecutive_skips += 1
        self.total_skips += 1
        hub.update_scalar('train/nonfinite_skips', self.total_skips)
        if self._model is not None and self._buffers_before:
            restore_buffers(self._model, self._buffers_before)
        self._model, self._buffers_before = None, {}
        self.zero_grad()
        if self.consecutive_skips > self.max_nonfinite:
            raise NonFiniteLossError(
                f'{self.consecutive_skips} consecutive non-finite {kind} up to iteration '
                f'{iteration}{named} (max_nonfinite={self.max_nonfinite}); stopping.')


@OPTIM_WRAPPERS.register_module()
class GuardedOptimWrapper(NonFiniteGuard, OptimWrapper):
    """``OptimWrapper`` with the non-finite loss policy."""


@OPTIM_WRAPPERS.register_module()
class GuardedAmpOptimWrapper(NonFiniteGuard, AmpOptimWrapper):
    """``AmpOptimWrapper`` (CUDA fp16/bf16) with the non-finite loss policy."""


@OPTIM_WRAPPERS.register_module()
class GuardedCpuAutocastOptimWrapper(NonFiniteGuard, CpuAutocastOptimWrapper):
    """``CpuAutocastOptimWrapper`` with the non-finite loss policy."""
