"""``weight_decay_config`` -> the mmengine parameter scheduler that implements it
(``CosineWeightDecay``), and the older spelling of the same request in ``custom_hooks``."""
import logging
from typing import List, Optional

from mmengine.config import Config
from mmengine.logging import print_log

from ..registry import SCOPE
from .config_schema import ConfigError

LEGACY_HOOK = 'WeightDecayScheduleHook'
LEGACY_KEYS = {'type', 'end_wd', 'priority'}
LEGACY_END_WD = 0.4  # the removed hook's default


def move_legacy_weight_decay_hook(cfg: Config) -> Config:
    """``custom_hooks=[dict(type='WeightDecayScheduleHook', end_wd=...)]`` (the hook this
    scheduler replaced) becomes ``weight_decay_config=dict(end_wd=...)``, with a warning."""
    hooks = cfg.get('custom_hooks') or []
    legacy = [h for h in hooks if isinstance(h, dict) and h.get('type') == LEGACY_HOOK]
    if not legacy:
        return cfg
    if len(legacy) > 1 or cfg.get('weight_decay_config') is not None:
        raise ConfigError(f'The weight decay schedule is asked for twice ({len(legacy)} '
                       f'custom_hooks {LEGACY_HOOK} entries, weight_decay_config='
                       f"{cfg.get('weight_decay_config')}): keep only weight_decay_config.")
    unknown = set(legacy[0]) - LEGACY_KEYS
    if unknown:
        raise ConfigError(f'custom_hooks {LEGACY_HOOK} has unknown keys {sorted(unknown)}; it '
                       'takes end_wd only (now weight_decay_config=dict(end_wd=...)).')
    end_wd = legacy[0].get('end_wd', LEGACY_END_WD)
    print_log(f'custom_hooks {LEGACY_HOOK} is replaced by weight_decay_config=dict('
              f'end_wd={end_wd}) (an mmengine parameter scheduler); write that instead.',
              logger='current', level=logging.WARNING)
    cfg.custom_hooks = [h for h in hooks if h is not legacy[0]]
    cfg.weight_decay_config = dict(end_wd=end_wd)
    return cfg


def weight_decay_schedulers(weight_decay_config: Optional[dict], by_epoch: bool,
                            total: int) -> List[dict]:
    """The scheduler configs for mmengine's Runner: none, or one ``CosineWeightDecay`` over the
    whole run, stepped every iteration (``total`` counts epochs when ``by_epoch``)."""
    if not weight_decay_config:
        return []
    scheduler = dict(type=f'{SCOPE}.CosineWeightDecay', end_wd=weight_decay_config['end_wd'],
                     T_max=total, begin=0, end=total, by_epoch=by_epoch)
    if by_epoch:  # the Runner multiplies T_max / end by the epoch length
        scheduler['convert_to_iter_based'] = True
    return [scheduler]
