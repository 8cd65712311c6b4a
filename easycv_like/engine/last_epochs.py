"""The top-level ``num_last_epochs``: the length of a run's final phase (YOLOX: the last 15
epochs train without mosaic / mix-up, with the L1 box loss and the learning rate held at its
floor), written once and filled into each part that acts on it. The parts keep their own
arguments, so each can still be built on its own:

- ``lr_config.num_last_epochs`` of a policy that has one (``'YOLOX'``),
- ``num_last_epochs`` of every ``ModeSwitchHook`` in ``custom_hooks``,
- ``data.train.no_mix_epochs`` of a ``MixedImagesDataset``, whose ``data.train.max_epochs`` is
  always ``total_epochs`` (filled in whether or not ``num_last_epochs`` is set).

A part may still say its value itself (configs written before this key): equal is accepted, a
different one is an error naming both, never silently replaced.
"""
from typing import Any, List, Tuple

from mmengine.config import Config

from ..data.datasets.mixed_images_dataset import MixedImagesDataset
from ..registry import DATASETS, HOOKS
from .config_schema import ConfigError
from .hooks.mode_switch_hook import ModeSwitchHook
from .lr_config import POLICY_KEYS

KEY = 'num_last_epochs'


def _is(entry: Any, registry, cls: type) -> bool:
    kind = entry.get('type') if isinstance(entry, dict) else None
    kind = registry.get(kind) if isinstance(kind, str) else kind
    return isinstance(kind, type) and issubclass(kind, cls)


def _fill(part: dict, key: str, value: int, path: str, source: str) -> None:
    """``part[key] = value``, or an error naming ``path`` when ``part`` says otherwise."""
    own = part.get(key)
    if own is not None and own != value:
        raise ConfigError(f'{path}={own!r} disagrees with {source}: leave {path} out (it is '
                          'filled from there) or change both.')
    part[key] = value


def _consumers(cfg: Config) -> List[Tuple[dict, str, str]]:
    """``(dict, key, dotted path)`` of every value that counts the last epochs."""
    parts = []
    lr = cfg.get('lr_config') or {}
    if KEY in POLICY_KEYS.get(lr.get('policy', 'fixed'), ()):
        parts.append((lr, KEY, f'lr_config.{KEY}'))
    for i, hook in enumerate(cfg.get('custom_hooks') or []):
        if _is(hook, HOOKS, ModeSwitchHook):
            parts.append((hook, KEY, f'custom_hooks[{i}].{KEY}'))
    train = cfg.data.get('train')
    if _is(train, DATASETS, MixedImagesDataset):
        parts.append((train, 'no_mix_epochs', 'data.train.no_mix_epochs'))
    return parts


def fill_last_epochs(cfg: Config) -> Config:
    """Fill ``num_last_epochs`` and ``total_epochs`` into their consumers (in place, on a
    validated config). Raises ``ConfigError`` when a consumer disagrees, when
    ``num_last_epochs`` is set in an iteration-based run or when nothing uses it."""
    train = cfg.data.get('train')
    if cfg.get('total_epochs') is not None and _is(train, DATASETS, MixedImagesDataset):
        _fill(train, 'max_epochs', cfg.total_epochs, 'data.train.max_epochs',
              f'total_epochs={cfg.total_epochs}')
    last = cfg.get(KEY)
    if last is None:
        return cfg
    if cfg.get('total_epochs') is None:
        raise ConfigError(f'{KEY}={last} counts epochs: train with total_epochs, not '
                          'total_iters.')
    parts = _consumers(cfg)
    if not parts:
        raise ConfigError(f"{KEY}={last} is set but nothing uses it: it sets lr_config.{KEY} "
                          "(policy 'YOLOX'), ModeSwitchHook in custom_hooks and a "
                          'MixedImagesDataset data.train; remove it or add them.')
    for part, key, path in parts:
        _fill(part, key, last, path, f'{KEY}={last}')
    return cfg
