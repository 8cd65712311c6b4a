"""``MomentumEncodersMixin``: the one place that builds, names, syncs and schedules the momentum
(EMA) copies of self-supervised algorithms (MoCo's key encoder, BYOL/MoBY's target, DINO's
teacher).

Naming rule: the copy of the online module ``<name>`` is ``momentum_<name>`` in every algorithm
(``momentum_backbone``, ``momentum_neck``, ``momentum_head``), so its weights sit under the
checkpoint prefix ``momentum_<name>.``. Checkpoints written before this rule (``target_<name>.``,
``teacher_<name>.``) are renamed while they load.
"""
import copy
import math
from typing import List, Optional, Tuple

import torch
from torch import nn

from ...registry import MODELS

MOMENTUM_PREFIX = 'momentum_'
LEGACY_PREFIXES = ('target_', 'teacher_')


def _check_momentum(key: str, value: Optional[float]) -> None:
    if value is not None and not 0.0 <= value <= 1.0:
        raise ValueError(f'{key} must be in [0, 1] (the share of the copy kept per update), '
                         f'got {value}')


class MomentumEncodersMixin:
    """Declared momentum pairs for an ``nn.Module``: ``(online, momentum copy)``.

    A subclass calls :meth:`set_momentum_schedule` and :meth:`add_momentum_copy` in its
    ``__init__``; ``MomentumUpdateHook`` (added by the engine for every model with pairs) then
    reads :meth:`momentum_pairs` and :meth:`momentum_at` after each optimizer step.
    """

    def set_momentum_schedule(self, momentum: float, momentum_end: Optional[float]) -> None:
        """Constant ``momentum`` (paper meaning: 0.999 keeps 99.9% of the copy), or, with
        ``momentum_end``, a cosine rise from ``momentum`` to ``momentum_end`` over training."""
        _check_momentum('momentum', momentum)
        _check_momentum('momentum_end', momentum_end)
        self.momentum = float(momentum)
        self.momentum_end = None if momentum_end is None else float(momentum_end)

    def add_momentum_copy(self, name: str, cfg: Optional[dict] = None) -> nn.Module:
        """Create ``self.momentum_<name>``: a frozen copy of ``self.<name>`` with its weights.

        With ``cfg`` (the MODELS config ``self.<name>`` was built from) the copy is rebuilt
        from it with ``drop_path_rate=0``, so a teacher/target has no stochastic depth (DINO,
        MoBY); the global random stream is not advanced by it. Without ``cfg`` it is a deep copy.
        """
        online = getattr(self, name)
        if cfg is None:
            target = copy.deepcopy(online)
        else:
            cfg = dict(cfg)
            if 'drop_path_rate' in cfg:
                cfg['drop_path_rate'] = 0.0
            with torch.random.fork_rng(devices=[]):
                target = MODELS.build(cfg)
            target.load_state_dict(online.state_dict())
        target.requires_grad_(False)
        setattr(self, MOMENTUM_PREFIX + name, target)
        names = self.__dict__.setdefault('_momentum_names', [])
        names.append(name)
        return target

    def momentum_pairs(self) -> List[Tuple[nn.Module, nn.Module]]:
        """``[(online, momentum copy), ...]`` in declaration order (empty: no momentum copies)."""
        return [(getattr(self, n), getattr(self, MOMENTUM_PREFIX + n))
                for n in self.__dict__.get('_momentum_names', [])]

    @torch.no_grad()
    def sync_momentum_copies(self) -> None:
        """Start every momentum copy again from its online module's weights."""
        for online, target in self.momentum_pairs():
            target.load_state_dict(online.state_dict())

    def momentum_at(self, it: int, max_iters: Optional[int]) -> float:
        """The momentum of the update after iteration ``it`` (0-based) of ``max_iters``:
        ``end - (end - m0) * (cos(pi it / K) + 1) / 2`` with a ``momentum_end``, else ``m0``.

        A function of the iteration only, so a resumed run continues the schedule exactly.
        """
        if self.momentum_end is None or not max_iters:
            return self.momentum
        progress = (math.cos(math.pi * it / max_iters) + 1) / 2
        return self.momentum_end - (self.momentum_end - self.momentum) * progress

    def _rename_legacy_momentum_keys(self, module: nn.Module, state_dict: dict, prefix: str,
                                     *args) -> None:
        """Load-time pre-hook: ``target_<name>.`` / ``teacher_<name>.`` -> ``momentum_<name>.``."""
        for name in self.__dict__.get('_momentum_names', []):
            new = f'{prefix}{MOMENTUM_PREFIX}{name}.'
            for legacy in LEGACY_PREFIXES:
                old = f'{prefix}{legacy}{name}.'
                for key in [k for k in state_dict if k.startswith(old)]:
                    state_dict[new + key[len(old):]] = state_dict.pop(key)
