"""The learning rate of an mmcv-style ``lr_config``, computed in closed form every iteration.

mmcv's definition: ``lr(i) = regular_lr(progress) * warmup_factor(i)`` for the iterations ``i <
warmup_iters``, ``regular_lr(progress)`` after; ``progress`` is the epoch (``by_epoch=True``)
or the iteration, out of the run's epochs or iterations. A chain of mmengine schedulers
multiplies factors step by step and drifts from this when the policy has a floor (``min_lr``),
so this scheduler evaluates the formula directly from each group's initial rate.

``'YOLOX'`` is Megvii's ``yoloxwarmcos`` (per iteration): the rate stays at ``lr`` through the
warm-up, follows a cosine from the end of the warm-up down to the floor at the start of the last
``num_last_epochs`` epochs, and stays at the floor after. As in Megvii's trainer, iteration ``i``
(from 0) is evaluated at ``i + 1``; the ``quadratic`` warm-up counts the same way, as Megvii's
and mmdet's do, so a warm-up from ``warmup_ratio=0`` does not waste its first step.
"""
import math
from typing import List, Optional, Sequence, Union

from mmengine.optim.scheduler.lr_scheduler import LRSchedulerMixin
from mmengine.optim.scheduler.param_scheduler import INF, _ParamScheduler

from ...errors import ConfigError
from ...registry import PARAM_SCHEDULERS
from ..run_length_check import check_within_run

POLICIES = ('fixed', 'step', 'CosineAnnealing', 'poly', 'YOLOX')
WARMUPS = ('constant', 'linear', 'exp', 'quadratic')


def _floor(base_lr: float, min_lr: Optional[float], min_lr_ratio: Optional[float]) -> float:
    return base_lr * min_lr_ratio if min_lr_ratio is not None else (min_lr or 0.0)


def yolox_lr(base_lr: float, cur_iter: int, total_iters: int, warmup_iters: int,
             last_iters: int, floor: float) -> float:
    """Megvii's ``yoloxwarmcos`` after the warm-up factor: ``base_lr`` while the warm-up lasts,
    a cosine to ``floor`` over the iterations between the warm-up and the last ``last_iters``,
    then ``floor``. ``cur_iter`` counts from 0 and is evaluated at ``cur_iter + 1``."""
    t = cur_iter + 1
    if t <= warmup_iters:
        return base_lr
    if t >= total_iters - last_iters:
        return floor
    cosine_iters = total_iters - warmup_iters - last_iters
    return floor + 0.5 * (base_lr - floor) * (1 + math.cos(math.pi * (t - warmup_iters) /
                                                           cosine_iters))


def regular_lr(policy: str, base_lr: float, progress: int, max_progress: int,
               step: Union[int, Sequence[int], None] = None, gamma: float = 0.1,
               min_lr: Optional[float] = None, min_lr_ratio: Optional[float] = None,
               power: float = 1.0, warmup_iters: int = 0, last_iters: int = 0) -> float:
    """mmcv's ``get_lr`` of each policy at ``progress`` (epochs or iterations); ``'YOLOX'``
    also reads the warm-up length and the last iterations at the floor (:func:`yolox_lr`)."""
    if policy == 'fixed':
        return base_lr
    if policy == 'step':
        if isinstance(step, int):
            exp = progress // step
        else:
            exp = next((i for i, s in enumerate(step) if progress < s), len(step))
        lr = base_lr * gamma ** exp
        return max(lr, min_lr) if min_lr is not None else lr
    if policy == 'CosineAnnealing':
        target = _floor(base_lr, min_lr, min_lr_ratio)
        return target + 0.5 * (base_lr - target) * (1 + math.cos(math.pi * progress /
                                                                 max_progress))
    if policy == 'poly':
        floor = min_lr or 0.0
        return (base_lr - floor) * (1 - progress / max_progress) ** power + floor
    if policy == 'YOLOX':
        return yolox_lr(base_lr, progress, max_progress, warmup_iters, last_iters,
                        _floor(base_lr, min_lr, min_lr_ratio))
    raise ConfigError(f'Unknown lr_config.policy {policy!r}; choose from {list(POLICIES)}.')


def warmup_factor(kind: str, cur_iter: int, warmup_iters: int, ratio: float) -> float:
    """mmcv's warm-up multiplier of the regular rate at iteration ``cur_iter < warmup_iters``
    (``quadratic``: Megvii's YOLOX warm-up, ``r + (1 - r) * ((cur_iter + 1) / W) ** 2``)."""
    if kind == 'constant':
        return ratio
    if kind == 'linear':
        return 1 - (1 - cur_iter / warmup_iters) * (1 - ratio)
    if kind == 'exp':
        if ratio <= 0:
            raise ConfigError(f"lr_config.warmup='exp' needs warmup_ratio > 0, got "
                              f'lr_config.warmup_ratio={ratio!r}.')
        return ratio ** (1 - cur_iter / warmup_iters)
    if kind == 'quadratic':
        return ratio + (1 - ratio) * ((cur_iter + 1) / warmup_iters) ** 2
    raise ConfigError(f'Unknown lr_config.warmup {kind!r}; choose from {list(WARMUPS)}.')


def check_run_kind(policy: str, policy_by_epoch: bool, warmup_by_epoch: bool,
                   num_last_epochs: int, epoch_based: bool) -> None:
    """Refuse ``lr_config`` options that count epochs in a run that counts iterations, and a
    per-epoch ``'YOLOX'``: called on the config before the Runner is built (``lr_config.py``)
    and again by the scheduler, which may be built on its own."""
    if not epoch_based:
        for key, value in (('by_epoch', policy_by_epoch), ('warmup_by_epoch', warmup_by_epoch),
                           ('num_last_epochs', num_last_epochs)):
            if value:
                raise ConfigError(f'lr_config.{key}={value!r} counts epochs: train with '
                                  'total_epochs, not total_iters, or leave it out.')
    if policy == 'YOLOX' and policy_by_epoch:
        raise ConfigError("lr_config.by_epoch=True: policy='YOLOX' advances every iteration; "
                          'set lr_config.by_epoch=False or leave it out.')


@PARAM_SCHEDULERS.register_module()
class WarmupPolicyLR(LRSchedulerMixin, _ParamScheduler):
    """Iteration-stepped scheduler for ``lr_config`` (see the module docstring).

    Args:
        optimizer: the optimizer or optim wrapper.
        policy: ``'fixed'``, ``'step'``, ``'CosineAnnealing'``, ``'poly'`` or ``'YOLOX'``
            (per iteration only).
        run_length: the run's length: epochs when ``epoch_length`` is given, else iterations.
        policy_by_epoch: the policy advances once per epoch (mmcv ``by_epoch``); needs
            ``epoch_length``. Default False (once per iteration, over all iterations).
        epoch_length: iterations per epoch (given by the Runner for epoch-based runs).
        step, gamma, min_lr, min_lr_ratio, power: the policy's parameters, as in mmcv.
        num_last_epochs: ``'YOLOX'``: the last epochs, held at the floor. Default 0.
        warmup: None, ``'constant'``, ``'linear'``, ``'exp'`` or ``'quadratic'``.
        warmup_iters: warm-up length in iterations (in epochs with ``warmup_by_epoch``).
        warmup_ratio: the warm-up's starting factor.
        warmup_by_epoch: ``warmup_iters`` counts epochs (needs ``epoch_length``). Default False.
        begin, end, last_step, verbose: as for mmengine's schedulers.
        by_epoch: must be False: this scheduler steps every iteration (an epoch-based run builds
            it through :meth:`build_iter_from_epoch`).
    """

    def __init__(self, optimizer, policy: str = 'fixed', run_length: int = 1,
                 policy_by_epoch: bool = False, epoch_length: Optional[int] = None,
                 step: Union[int, List[int], None] = None, gamma: float = 0.1,
                 min_lr: Optional[float] = None, min_lr_ratio: Optional[float] = None,
                 power: float = 1.0, num_last_epochs: int = 0,
                 warmup: Optional[str] = None, warmup_iters: int = 0,
                 warmup_ratio: float = 0.1, warmup_by_epoch: bool = False, begin: int = 0,
                 end: int = INF, last_step: int = -1, by_epoch: bool = False,
                 verbose: bool = False) -> None:
        check_run_kind(policy, policy_by_epoch, warmup_by_epoch, num_last_epochs,
                       bool(epoch_length))
        if by_epoch:  # how it is built, not a config value: a bug of the caller
            raise ValueError('WarmupPolicyLR steps every iteration: build it with '
                             'convert_to_iter_based=True for an epoch-based run.')
        regular_lr(policy, 1.0, 0, 1, step, gamma, min_lr, min_lr_ratio, power)  # validates
        if warmup is not None:
            warmup_factor(warmup, 0, 1, warmup_ratio)
        self.policy, self.step_cfg, self.gamma, self.power = policy, step, gamma, power
        self.min_lr, self.min_lr_ratio = min_lr, min_lr_ratio
        self.policy_by_epoch, self.epoch_length = policy_by_epoch, epoch_length
        self.max_progress = run_length * (epoch_length or 1) if not policy_by_epoch \
            else run_length
        self.warmup, self.warmup_ratio = warmup, warmup_ratio
        self.warmup_iters = warmup_iters * epoch_length if warmup_by_epoch else warmup_iters
        self.last_iters = num_last_epochs * (epoch_length or 0)
        if warmup is not None:
            unit = ' epochs (warmup_by_epoch=True)' if warmup_by_epoch else ''
            check_within_run(f'lr_config.warmup_iters={warmup_iters}{unit}', self.warmup_iters,
                             run_length * (epoch_length or 1),
                             'the learning rate would never reach its base value (optimizer.lr)',
                             'Lower lr_config.warmup_iters')
        if policy == 'YOLOX':
            self._check_yolox_phases()
        super().__init__(optimizer, begin=begin, end=end, last_step=last_step,
                         by_epoch=False, verbose=verbose)

    @classmethod
    def build_iter_from_epoch(cls, *args, epoch_length: int, by_epoch: bool = True,
                              **kwargs) -> 'WarmupPolicyLR':
        """The Runner's constructor for epoch-based runs: it passes the epoch length (and an
        ``end`` in epochs, which does not apply: this scheduler counts iterations to the end)."""
        kwargs.pop('begin', None)
        kwargs.pop('end', None)
        return cls(*args, epoch_length=epoch_length, **kwargs)

    def _check_yolox_phases(self) -> None:
        """The cosine needs iterations between the warm-up and the last epochs; counted in
        iterations, so checked here, where the Runner has given the epoch length."""
        warmup = self.warmup_iters if self.warmup is not None else 0
        last_epochs = self.last_iters // (self.epoch_length or 1)
        if self.max_progress - warmup - self.last_iters <= 0:
            raise ConfigError(
                f"lr_config.policy='YOLOX': the warm-up ({warmup} iterations) and "
                f'lr_config.num_last_epochs={last_epochs} ({self.last_iters} iterations) leave '
                f"no cosine phase in the run's {self.max_progress} iterations: shorten them or "
                'train longer.')

    def lr_at(self, base_lr: float, cur_iter: int) -> float:
        """The learning rate of a group whose initial rate is ``base_lr`` at ``cur_iter``."""
        progress = cur_iter // self.epoch_length if self.policy_by_epoch else cur_iter
        lr = regular_lr(self.policy, base_lr, progress, self.max_progress, self.step_cfg,
                        self.gamma, self.min_lr, self.min_lr_ratio, self.power,
                        self.warmup_iters if self.warmup is not None else 0, self.last_iters)
        if self.warmup is not None and cur_iter < self.warmup_iters:
            lr *= warmup_factor(self.warmup, cur_iter, self.warmup_iters, self.warmup_ratio)
        return lr

    def _get_value(self) -> List[float]:
        return [self.lr_at(base, self.last_step) for base in self.base_values]
