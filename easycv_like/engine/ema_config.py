"""The ``ema`` config key -> our ``EMAHook`` entry of ``custom_hooks``."""
from typing import Optional

from ..errors import ConfigError, closest
from ..registry import SCOPE

EMA_DEFAULTS = dict(type='ExpMomentumEMA', momentum=0.0002, gamma=2000, update_buffers=True,
                    interval=1, begin_iter=0, begin_epoch=0)
EMA_TYPES = {'ExpMomentumEMA': f'{SCOPE}.ExpMomentumEMA',
             'ExponentialMovingAverage': 'ExponentialMovingAverage'}


def ema_hook_cfg(ema: Optional[dict]) -> Optional[dict]:
    """``ema=dict(type='ExpMomentumEMA', momentum=0.0002, gamma=2000, update_buffers=True)`` ->
    the hook config; ``None`` (or absent) -> ``None``. ``gamma`` applies to ``ExpMomentumEMA``
    only. Unknown keys and types raise ``KeyError`` naming them."""
    if ema is None:
        return None
    if not isinstance(ema, dict):
        raise ConfigError(f'ema must be a dict (e.g. dict(momentum=0.0002)), got '
                          f'{type(ema).__name__}.')
    unknown = sorted(set(ema) - set(EMA_DEFAULTS))
    if unknown:
        named = ', '.join(f'{k!r}{closest(k, EMA_DEFAULTS)}' for k in unknown)
        raise ConfigError(f'Unknown ema key(s) {named}; known: {sorted(EMA_DEFAULTS)}.')
    cfg = dict(EMA_DEFAULTS, **ema)
    if cfg['type'] not in EMA_TYPES:
        raise ConfigError(f"ema.type {cfg['type']!r} is not one of {sorted(EMA_TYPES)}.")
    if cfg['type'] != 'ExpMomentumEMA':
        if 'gamma' in ema:
            raise ConfigError(f"ema.gamma applies only to type 'ExpMomentumEMA', not "
                              f"{cfg['type']!r}.")
        cfg.pop('gamma')
    ema_type = EMA_TYPES[cfg.pop('type')]
    return dict(type=f'{SCOPE}.EMAHook', ema_type=ema_type, **cfg)
