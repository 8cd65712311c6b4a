"""Parameter schedulers mmengine lacks."""
from .exponential_warmup import ExponentialWarmupLR, ExponentialWarmupParamScheduler
from .warmup_policy_lr import WarmupPolicyLR

__all__ = ['ExponentialWarmupLR', 'ExponentialWarmupParamScheduler', 'WarmupPolicyLR']
