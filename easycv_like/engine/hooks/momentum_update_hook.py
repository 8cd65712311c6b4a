"""Momentum (EMA) update of the target encoders an algorithm declares (MoCo, BYOL, DINO, MoBY)."""
from typing import Union

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.optim import OptimWrapperDict
from torch import nn

from ...errors import ConfigError
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
    """After every training iteration in which the optimizer stepped, move each momentum copy of
    ``model.momentum_pairs()`` towards its online module by EMA.

    The schedule belongs to the model (``momentum``, ``momentum_end``; see
    ``models/selfsup/momentum_encoders.py``): the hook only asks ``model.momentum_at(runner.iter,
    runner.max_iters)``, so a resumed run continues exactly, and logs the value as
    ``train/momentum``. Iterations that only accumulate gradients update nothing. The engine adds
    this hook for every model with momentum pairs; listing it in ``custom_hooks`` as well (e.g.
    to change its priority) replaces the engine's, so nothing is updated twice.

    Args:
        priority: hook priority. Default 'NORMAL'.
    """

    def __init__(self, priority: Union[int, str] = 'NORMAL') -> None:
        self.priority = priority

    @staticmethod
    def _model(runner) -> nn.Module:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        if not hasattr(model, 'momentum_pairs') or not hasattr(model, 'momentum_at'):
            raise ConfigError(f'MomentumUpdateHook needs a model with momentum_pairs() and '
                              f'momentum_at() (MomentumEncodersMixin); '
                              f'{type(model).__name__} has not: remove it from custom_hooks.')
        return model

    def before_train(self, runner) -> None:
        model = self._model(runner)
        if not model.momentum_pairs():
            raise ConfigError(f'MomentumUpdateHook: {type(model).__name__} declares no momentum '
                              'pairs, so the hook would update nothing; remove it from '
                              'custom_hooks.')

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if not optimizer_stepped(runner.optim_wrapper):
            return
        model = self._model(runner)
        m = model.momentum_at(runner.iter, runner.max_iters)
        for online, target in model.momentum_pairs():
            momentum_update(online, target, m)
        runner.message_hub.update_scalar('train/momentum', m)
