"""Parameter schedulers mmengine lacks."""
from .cosine_weight_decay import CosineWeightDecay
from .warmup_policy_lr import WarmupPolicyLR

__all__ = ['CosineWeightDecay', 'WarmupPolicyLR']
