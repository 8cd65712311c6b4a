"""Momentum (EMA) update of the target encoders an algorithm declares (MoCo, BYOL, DINO, MoBY)."""
import math
from typing import Optional, Union

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.optim import OptimWrapperDict
from torch import nn

from ...registry import HOOKS


def optimizer_stepped(optim_wrapper) -> bool:
    """Whether the last ``update_params`` really stepped (not an accumulation-only iteration).

    An ``OptimWrapperDict`` counts as stepped when each of its wrappers is at an update point
    (a wrapper not used yet counts as one, so it does not block the others).
    """
    if isinstance(optim_wrapper, OptimWrapperDict):
        return all(w.should_update() for w in optim_wrapper.values())
    return optim_wrapper.should_update()


@torch.no_grad()
def momentum_update(online: nn.Module, target: nn.Module, momentum: float) -> None:
    """``target = m * target + (1 - m) * online`` for parameters; buffers are copied."""
    online_params, target_params = [], []
    for (name, p_online), (t_name, p_target) in zip(online.named_parameters(),
                                                    target.named_parameters()):
        if name != t_name or p_online.shape != p_target.shape:
            raise ValueError(f'momentum pair mismatch: online {name} vs target {t_name}')
        online_params.append(p_online.detach())
        target_params.append(p_target)
    if target_params:
        torch._foreach_mul_(target_params, momentum)
        torch._foreach_add_(target_params, online_params, alpha=1.0 - momentum)
    for b_online, b_target in zip(online.buffers(), target.buffers()):
        b_target.copy_(b_online)


@HOOKS.register_module()
class MomentumUpdateHook(Hook):
    """After every training iteration in which the optimizer stepped, move each target module of
    ``model.momentum_pairs()`` towards its online module by EMA.

    The base momentum ``m0`` is the algorithm's ``momentum`` attribute (paper meaning: 0.999 keeps
    99.9% of the target). With ``cosine=True`` (BYOL, https://arxiv.org/abs/2006.07733) it
    rises to ``end_momentum`` over the run: ``m(k) = end - (end - m0) * (cos(pi k / K) + 1) / 2``
    at iteration ``k`` of ``K``. ``m`` is a function of ``runner.iter`` only, so a resumed run
    continues exactly; it is stored as ``model.current_momentum`` and logged as
    ``train/momentum``. Iterations that only accumulate gradients update nothing.

    Args:
        end_momentum: momentum at the end of a cosine schedule. Default 1.0.
        cosine: use the cosine schedule instead of a constant ``m0``. Default False.
        priority: hook priority. Default 'NORMAL'.
    """

    def __init__(self, end_momentum: float = 1.0, cosine: bool = False,
                 priority: Union[int, str] = 'NORMAL') -> None:
        self.end_momentum = float(end_momentum)
        self.cosine = cosine
        self.priority = priority

    @staticmethod
    def _model(runner) -> nn.Module:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        if not hasattr(model, 'momentum_pairs') or not hasattr(model, 'momentum'):
            raise AttributeError(f'MomentumUpdateHook needs a model with momentum_pairs() and a '
                                 f'momentum attribute; {type(model).__name__} has not.')
        return model

    def momentum_at(self, base: float, it: int, max_iters: Optional[int]) -> float:
        """The momentum used after iteration ``it`` (0-based) of ``max_iters``."""
        if not self.cosine or not max_iters:
            return float(base)
        progress = (math.cos(math.pi * it / max_iters) + 1) / 2
        return self.end_momentum - (self.end_momentum - base) * progress

    def before_train(self, runner) -> None:
        model = self._model(runner)
        model.current_momentum = self.momentum_at(model.momentum, runner.iter, runner.max_iters)

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if not optimizer_stepped(runner.optim_wrapper):
            return
        model = self._model(runner)
        m = self.momentum_at(model.momentum, runner.iter, runner.max_iters)
        model.current_momentum = m
        for online, target in model.momentum_pairs():
            momentum_update(online, target, m)
        runner.message_hub.update_scalar('train/momentum', m)
