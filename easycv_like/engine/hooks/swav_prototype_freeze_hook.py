"""Freeze SwAV's prototypes early in training (Caron et al. 2020,
https://arxiv.org/abs/2006.09882)."""
from typing import List, Optional

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from ...errors import ConfigError
from ...registry import HOOKS
from ..run_length_check import check_hook_within_run


@HOOKS.register_module()
class SwAVPrototypeFreezeHook(Hook):
    """Zero the gradients of the prototypes during the first ``freeze_iters`` iterations.

    The paper freezes the prototypes during the first epoch (313 iterations at batch 4096):
    training is more stable when the embeddings settle before the prototypes move. The
    gradient is zeroed by a hook on each prototype tensor, i.e. inside backward, before
    gradient accumulation and before DDP averages it, so every rank steps with a zero gradient
    (the optimizer runs between this hook's stages, so a stage method could not do it).
    Weight decay and the trust ratio then only rescale the prototypes, which ``SwAVHead``
    renormalises at every step: their directions stay fixed.

    Args:
        freeze_iters: iterations (counted from 0, so also after a resume) with zero prototype
            gradients; at least the run's length is a ``ConfigError`` (the prototypes would
            never train). Default 313.
        key: parameters whose name contains ``key`` are the prototypes. Default 'prototypes'.
    """

    priority = 'NORMAL'

    def __init__(self, freeze_iters: int = 313, key: str = 'prototypes') -> None:
        self.freeze_iters = int(freeze_iters)
        self.key = key
        self.frozen = True
        self._handles: List[torch.utils.hooks.RemovableHandle] = []

    def _mask(self, grad: torch.Tensor) -> torch.Tensor:
        return torch.zeros_like(grad) if self.frozen else grad

    def before_train(self, runner) -> None:
        check_hook_within_run('SwAVPrototypeFreezeHook', 'freeze_iters', self.freeze_iters,
                              runner, 'the prototypes would never be trained')
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        params = [p for name, p in model.named_parameters() if self.key in name]
        if not params:
            raise ConfigError(f"SwAVPrototypeFreezeHook found no parameter named like "
                              f"'{self.key}' in {type(model).__name__}")
        self._handles = [p.register_hook(self._mask) for p in params]

    def before_train_iter(self, runner, batch_idx: int, data_batch: Optional[dict] = None) -> None:
        self.frozen = runner.iter < self.freeze_iters

    def after_train(self, runner) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles = []
