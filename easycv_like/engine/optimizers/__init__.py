"""Optimizers and optimizer wrappers that mmengine and torch lack."""
from .cpu_autocast_optim_wrapper import CpuAutocastOptimWrapper
from .lars import LARS
from .layer_decay_optim_wrapper_constructor import LayerDecayOptimWrapperConstructor

__all__ = ['CpuAutocastOptimWrapper', 'LARS', 'LayerDecayOptimWrapperConstructor']
