"""Optimizers and optimizer wrappers that mmengine and torch lack."""
from .cpu_autocast_optim_wrapper import CpuAutocastOptimWrapper

__all__ = ['CpuAutocastOptimWrapper']
