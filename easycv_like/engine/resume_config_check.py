"""Refuse a resume whose config differs from the checkpoint's where that cannot work or would
silently change the run: the model, the optimizer and its schedules, the training length the
schedules were built for, and the keys that fix the data order.

A changed model or optimizer fails late and cryptically inside ``load_state_dict`` (or, for a
changed learning rate, is silently overridden by the saved optimizer state); a changed seed
reorders the data; a changed ``data.imgs_per_gpu`` or ``data.drop_last`` moves the position in
the epoch and the meaning of every iteration-based schedule. Such a change needs a new run
(``load_from`` the checkpoint), not a resume.
"""
import logging
from typing import Any, Dict, List

from mmengine.config import Config
from mmengine.logging import print_log

from .config_schema import ConfigError, validate_config

# (config key, sub-keys ignored below it): compared recursively, as dotted paths
COMPARED_KEYS = (('model', ('init_cfg', 'pretrained')), ('optimizer', ()), ('seed', ()),
                 ('data.imgs_per_gpu', ()), ('data.drop_last', ()),
                 # the saved scheduler / optimizer state would override a change silently
                 ('lr_config', ()), ('weight_decay_config', ()), ('auto_scale_lr', ()),
                 # the schedules' saved length and end: epochs added on resume ran at the old
                 # schedule's final rate (0 after a cosine)
                 ('total_epochs', ()), ('total_iters', ()))
_ABSENT = '<absent>'


class ResumeConfigMismatchError(ValueError):
    """The config of a resumed run differs from its checkpoint's in a key that must match."""


def _lookup(tree: Any, dotted: str) -> Any:
    for part in dotted.split('.'):
        if not isinstance(tree, dict) or part not in tree:
            return _ABSENT
        tree = tree[part]
    return tree


def _flatten(value: Any, prefix: str, ignored: tuple, out: Dict[str, Any]) -> Dict[str, Any]:
    if isinstance(value, dict):
        for key, sub in value.items():
            if key not in ignored:
                _flatten(sub, f'{prefix}.{key}', ignored, out)
    elif isinstance(value, (list, tuple)) and any(isinstance(v, dict) for v in value):
        for i, sub in enumerate(value):
            _flatten(sub, f'{prefix}[{i}]', ignored, out)
        out[f'{prefix}.__len__'] = len(value)
    else:
        out[prefix] = list(value) if isinstance(value, tuple) else value
    return out


def differing_keys(saved: dict, current: dict) -> List[str]:
    """``'key: saved -> current'`` for every compared dotted key whose value differs."""
    lines = []
    for key, ignored in COMPARED_KEYS:
        old = _flatten(_lookup(saved, key), key, ignored, {})
        new = _flatten(_lookup(current, key), key, ignored, {})
        for path in sorted(set(old) | set(new), key=lambda p: (p not in old, p)):
            before, after = old.get(path, _ABSENT), new.get(path, _ABSENT)
            if before != after:
                lines.append(f'{path}: {before!r} -> {after!r}')
    return lines


def _with_defaults(saved: dict) -> dict:
    """The saved config with the schema's defaults filled in, as the current one has them (files
    written before the schema stored only the keys the config set); as saved if it no longer
    validates."""
    try:
        return validate_config(Config(saved)).to_dict()
    except ConfigError:
        return saved


def check_resume_config(current: dict, checkpoint: dict, path: str) -> None:
    """Raise ``ResumeConfigMismatchError`` naming every differing key of :data:`COMPARED_KEYS`
    between ``current`` (the config as a dict) and the checkpoint's ``meta['config_dict']``."""
    saved = (checkpoint.get('meta') or {}).get('config_dict')
    if not isinstance(saved, dict):
        print_log(f'Checkpoint {path} holds no config (meta["config_dict"]): cannot check that '
                  'the model, optimizer and data order match the current config.',
                  logger='current', level=logging.WARNING)
        return
    lines = differing_keys(_with_defaults(saved), current)
    if lines:
        raise ResumeConfigMismatchError(
            f'Cannot resume from {path}: the config differs from the checkpoint\'s in\n  '
            + '\n  '.join(lines) + '\nResume with the original values, or start a new run in '
            'another work dir with load_from=<checkpoint> (weights only).')
