"""``lr_config`` (EasyCV/mmcv style) -> the mmengine parameter scheduler that implements it.

The schedule is mmcv's, evaluated in closed form by ``WarmupPolicyLR`` every iteration:
``lr = regular_lr(progress) * warmup_factor(iter)`` during the warm-up, ``regular_lr`` after.
``by_epoch`` (default: whether the run counts ``total_epochs``) says whether the policy advances
per epoch (constant within an epoch) or per iteration over all the run's iterations; the
warm-up always counts iterations (epochs with ``warmup_by_epoch=True``). Policies:

- ``step``: ``lr * gamma ** k``, ``k`` = milestones of ``step`` passed (a list), or
  ``progress // step`` (an int: decay every ``step``); floored at ``min_lr`` when set.
- ``CosineAnnealing``: ``t + (lr - t) * (1 + cos(pi * p / P)) / 2``, ``t = min_lr`` or
  ``lr * min_lr_ratio``.
- ``poly``: ``(lr - min_lr) * (1 - p / P) ** power + min_lr``.
- ``fixed``: ``lr``.
- ``YOLOX`` (Megvii's ``yoloxwarmcos``, per iteration only): ``lr`` through the warm-up, a cosine
  from there to ``lr * min_lr_ratio`` (or ``min_lr``) at the start of the last
  ``num_last_epochs`` epochs, constant after; iteration i is evaluated at i + 1, as Megvii does.

Warm-ups (``warmup_ratio`` r, ``warmup_iters`` W, iteration i < W): ``constant`` r,
``linear`` ``1 - (1 - i / W) * (1 - r)``, ``exp`` ``r ** (1 - i / W)``, ``quadratic``
``r + (1 - r) * ((i + 1) / W) ** 2`` (YOLOX's).
"""
from typing import List, Optional

from ..errors import ConfigError, closest
from ..registry import SCOPE
from .schedulers.warmup_policy_lr import POLICIES, WARMUPS, check_run_kind

COMMON_KEYS = {'policy', 'by_epoch', 'warmup', 'warmup_iters', 'warmup_ratio', 'warmup_by_epoch'}
POLICY_KEYS = {'fixed': set(), 'step': {'step', 'gamma', 'min_lr'},
               'CosineAnnealing': {'min_lr', 'min_lr_ratio'}, 'poly': {'power', 'min_lr'},
               'YOLOX': {'min_lr', 'min_lr_ratio', 'num_last_epochs'}}
PER_ITERATION = ('YOLOX',)  # policies defined per iteration: by_epoch defaults to False


def _check(lr_config: dict) -> str:
    policy = lr_config.get('policy', 'fixed')
    if policy not in POLICIES:
        raise ConfigError(f"Unknown lr_config.policy '{policy}'; choose from {list(POLICIES)}.")
    known = COMMON_KEYS | POLICY_KEYS[policy]
    for key in lr_config:
        if key not in known:
            raise ConfigError(f'lr_config key {key!r} is not used by policy {policy!r}'
                              f'{closest(key, known)}; its keys: {sorted(known)}. (A config '
                              'that changes the policy of its base inherits the base\'s keys: '
                              'write lr_config = dict(_delete_=True, policy=...).)')
    if lr_config.get('warmup') and lr_config['warmup'] not in WARMUPS:
        raise ConfigError(f"Unknown lr_config.warmup '{lr_config['warmup']}'; choose from "
                          f'{sorted(WARMUPS)}.')
    if policy == 'step' and 'step' not in lr_config:
        raise ConfigError("lr_config.policy='step' needs lr_config.step (an int or a list).")
    if 'min_lr' in lr_config and 'min_lr_ratio' in lr_config:
        raise ConfigError('Set only one of lr_config.min_lr / lr_config.min_lr_ratio.')
    return policy


def lr_config_to_schedulers(lr_config: Optional[dict], by_epoch: bool, total: int) -> List[dict]:
    """The scheduler config for mmengine's Runner (one ``WarmupPolicyLR``).

    Args:
        lr_config: ``dict(policy=..., warmup=..., warmup_iters=..., warmup_ratio=..., ...)``;
            None means a constant learning rate.
        by_epoch: the training length is counted in epochs (``total_epochs``).
        total: the training length, in epochs or iterations.
    """
    lr_config = dict(lr_config or {})
    policy = _check(lr_config)
    options = {k: v for k, v in lr_config.items() if k not in ('policy', 'by_epoch')}
    if options.get('warmup') is None:
        options.pop('warmup', None)
    policy_by_epoch = lr_config.get('by_epoch', by_epoch and policy not in PER_ITERATION)
    check_run_kind(policy, policy_by_epoch, options.get('warmup_by_epoch', False),
                   options.get('num_last_epochs', 0), by_epoch)
    scheduler = dict(type=f'{SCOPE}.WarmupPolicyLR', policy=policy, run_length=total,
                     policy_by_epoch=policy_by_epoch, **options)
    if by_epoch:  # the Runner passes the epoch length and the scheduler steps per iteration
        scheduler.update(by_epoch=True, convert_to_iter_based=True)
    else:  # said explicitly: the Runner's default end of a scheduler without it is max_epochs (1)
        scheduler.update(by_epoch=False)
    return [scheduler]
