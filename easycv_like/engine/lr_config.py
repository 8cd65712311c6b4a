"""``lr_config`` (EasyCV/mmcv style) -> mmengine parameter-scheduler configs.

The warm-up multiplies the regular schedule, as in mmcv: both start at step 0 and mmengine chains
them. Warm-up is counted in iterations unless ``warmup_by_epoch=True``. ``poly`` follows
mmengine: it reaches ``min_lr`` at the last step, ``lr_t = (lr - min_lr) * (1 - t / (T - 1)) **
power + min_lr``.
"""
from typing import List, Optional

POLICIES = ('step', 'CosineAnnealing', 'poly', 'fixed')
WARMUPS = {'linear': 'LinearLR', 'constant': 'ConstantLR', 'exp': 'ExponentialWarmupLR'}


def _main_policy(lr_config: dict, by_epoch: bool, total: int) -> Optional[dict]:
    policy = lr_config.get('policy', 'fixed')
    span = dict(by_epoch=by_epoch, begin=0, end=total)
    smooth = dict(convert_to_iter_based=True) if by_epoch else {}
    if policy == 'fixed':
        return None
    if policy == 'step':
        steps = lr_config['step']
        milestones = [steps] if isinstance(steps, int) else list(steps)
        return dict(type='MultiStepLR', milestones=milestones, gamma=lr_config.get('gamma', 0.1),
                    **span)
    if policy == 'CosineAnnealing':
        floor = (dict(eta_min_ratio=lr_config['min_lr_ratio']) if 'min_lr_ratio' in lr_config
                 else dict(eta_min=lr_config.get('min_lr', 0.0)))
        return dict(type='CosineAnnealingLR', T_max=total, **floor, **span, **smooth)
    if policy == 'poly':
        return dict(type='PolyLR', power=lr_config.get('power', 1.0),
                    eta_min=lr_config.get('min_lr', 0.0), **span, **smooth)
    raise KeyError(f"Unknown lr_config.policy '{policy}'; choose from {list(POLICIES)}.")


def _warmup(lr_config: dict) -> Optional[dict]:
    kind = lr_config.get('warmup')
    if not kind:
        return None
    if kind not in WARMUPS:
        raise KeyError(f"Unknown lr_config.warmup '{kind}'; choose from {sorted(WARMUPS)}.")
    ratio = lr_config.get('warmup_ratio', 0.1)
    # mmengine's warm-ups reach the target one step before ``end``; +1 gives mmcv's meaning:
    # steps 0..warmup_iters-1 are warmed up and step warmup_iters runs at the full rate.
    span = dict(by_epoch=lr_config.get('warmup_by_epoch', False), begin=0,
                end=lr_config.get('warmup_iters', 0) + 1)
    if kind == 'linear':
        return dict(type='LinearLR', start_factor=ratio, end_factor=1.0, **span)
    if kind == 'constant':
        return dict(type='ConstantLR', factor=ratio, **span)
    return dict(type='ExponentialWarmupLR', ratio=ratio, **span)


def lr_config_to_schedulers(lr_config: Optional[dict], by_epoch: bool, total: int) -> List[dict]:
    """Scheduler configs for mmengine's Runner: the optional warm-up, then the policy.

    Args:
        lr_config: ``dict(policy=..., warmup=..., warmup_iters=..., warmup_ratio=..., ...)``;
            None means a constant learning rate.
        by_epoch: the training length is counted in epochs (``total_epochs``).
        total: the training length, in epochs or iterations.
    """
    lr_config = dict(lr_config or {})
    if lr_config.get('by_epoch') is not None:
        by_epoch = lr_config['by_epoch']
    schedulers = [_warmup(lr_config), _main_policy(lr_config, by_epoch, total)]
    schedulers = [s for s in schedulers if s is not None]
    return schedulers or [dict(type='ConstantLR', factor=1.0, by_epoch=False, begin=0, end=1)]
