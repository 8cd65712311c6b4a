"""LARS: layer-wise adaptive rate scaling (You et al. 2017, https://arxiv.org/abs/1708.03888)."""
from typing import Callable, Iterable, Optional, Union

import torch
from torch.optim import Optimizer

from ...errors import ConfigError
from ...registry import OPTIMIZERS


@OPTIMIZERS.register_module()
class LARS(Optimizer):
    """SGD with momentum whose step for each parameter tensor is rescaled by a trust ratio.

    The large-batch optimizer of SimCLR, BYOL and SwAV. For every parameter ``w`` with gradient
    ``g``: ``d = g + weight_decay * w``; ``trust = eta * ||w|| / (||d|| + eps)`` (1 where
    ``||w||`` or ``||d||`` is 0); then one of two conventions, which differ only while the
    learning rate changes (the buffer either carries the rates of past steps or not):

    - ``lr_inside_momentum=True`` (default; SimCLR's reference ``LARSOptimizer``):
      ``v <- momentum * v + lr * trust * d``; ``w <- w - v``.
    - ``lr_inside_momentum=False`` (BYOL's reference ``scale_by_lars`` followed by the rate):
      ``v <- momentum * v + trust * d``; ``w <- w - lr * v``.

    Excluded parameters get neither the trust ratio nor weight decay (``d = g``, ``trust = 1``):
    SimCLR and BYOL exclude biases and normalisation layers. Two ways to exclude:

    - ``exclude_1d=True`` (per group, or for all through the constructor): every 1-D parameter
      (biases, BN/LN weights and biases) is excluded; ``optimizer=dict(type='LARS', ...,
      exclude_1d=True)`` is all a config needs for ResNets and MLP necks.
    - the group flag ``lars_exclude=True``: with mmengine's paramwise options every matching
      parameter gets its own group, and ``custom_keys`` entries are copied into the group, e.g.
      ``paramwise_options=dict(custom_keys={'prototypes': dict(lars_exclude=True)})``.

    Args:
        params: parameters or parameter groups.
        lr: learning rate.
        momentum: momentum factor. Default 0.9.
        weight_decay: L2 penalty added to the gradient (not to excluded parameters).
            Default 0.0.
        eta: trust coefficient. Default 0.001.
        eps: added to the update norm in the trust ratio. Default 1e-8.
        exclude_1d: exclude every 1-D parameter from adaptation and weight decay.
            Default False.
        lr_inside_momentum: the convention above. Default True (SimCLR).
    """

    def __init__(self, params: Iterable[Union[torch.Tensor, dict]], lr: float,
                 momentum: float = 0.9, weight_decay: float = 0.0, eta: float = 0.001,
                 eps: float = 1e-8, exclude_1d: bool = False,
                 lr_inside_momentum: bool = True) -> None:
        if lr < 0.0 or momentum < 0.0 or weight_decay < 0.0 or eta <= 0.0:
            raise ConfigError(f'LARS needs lr, momentum, weight_decay >= 0 and eta > 0, got '
                              f'lr={lr}, momentum={momentum}, weight_decay={weight_decay}, '
                              f'eta={eta}')
        defaults = dict(lr=lr, momentum=momentum, weight_decay=weight_decay, eta=eta, eps=eps,
                        exclude_1d=exclude_1d, lars_exclude=False,
                        lr_inside_momentum=lr_inside_momentum)
        super().__init__(params, defaults)

    @staticmethod
    def _excluded(group: dict, param: torch.Tensor) -> bool:
        return bool(group['lars_exclude']) or (bool(group['exclude_1d']) and param.ndim == 1)

    @torch.no_grad()
    def step(self, closure: Optional[Callable[[], float]] = None) -> Optional[float]:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for param in group['params']:
                if param.grad is None:
                    continue
                update = param.grad
                if not self._excluded(group, param):
                    if group['weight_decay'] != 0:
                        update = update.add(param, alpha=group['weight_decay'])
                    param_norm, update_norm = param.norm(), update.norm()
                    trust = torch.where((param_norm > 0) & (update_norm > 0),
                                        group['eta'] * param_norm / (update_norm + group['eps']),
                                        torch.ones_like(param_norm))
                    update = update * trust
                inside = group['lr_inside_momentum']
                if inside:
                    update = update * group['lr']
                if group['momentum'] != 0:
                    state = self.state[param]
                    if 'momentum_buffer' not in state:
                        state['momentum_buffer'] = update.clone()
                    else:
                        state['momentum_buffer'].mul_(group['momentum']).add_(update)
                    update = state['momentum_buffer']
                param.sub_(update if inside else update * group['lr'])
        return loss
