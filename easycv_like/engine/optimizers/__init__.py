"""Optimizers and optimizer wrappers that mmengine and torch lack."""
from .cpu_autocast_optim_wrapper import CpuAutocastOptimWrapper
from .lars import LARS
from .layer_decay_optim_wrapper_constructor import LayerDecayOptimWrapperConstructor
from .nonfinite_guard import (GuardedAmpOptimWrapper, GuardedCpuAutocastOptimWrapper,
                              GuardedOptimWrapper, NonFiniteLossError)
from .trainable_params_optim_wrapper_constructor import TrainableParamsOptimWrapperConstructor

__all__ = ['CpuAutocastOptimWrapper', 'GuardedAmpOptimWrapper', 'GuardedCpuAutocastOptimWrapper',
           'GuardedOptimWrapper', 'LARS', 'LayerDecayOptimWrapperConstructor',
           'NonFiniteLossError', 'TrainableParamsOptimWrapperConstructor']
