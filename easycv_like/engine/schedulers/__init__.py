"""Parameter schedulers mmengine lacks."""
from .exponential_warmup import ExponentialWarmupLR, ExponentialWarmupParamScheduler

__all__ = ['ExponentialWarmupLR', 'ExponentialWarmupParamScheduler']
