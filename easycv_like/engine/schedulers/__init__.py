"""Parameter schedulers mmengine lacks."""
from .warmup_policy_lr import WarmupPolicyLR

__all__ = ['WarmupPolicyLR']
