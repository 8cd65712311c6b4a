"""Check a whole config against ``SCHEMA`` and fill in its defaults.

Every key at every depth is checked: unknown keys (named by dotted path, with the closest known
key), types, ranges and choices, ``type=`` sub-configs against their class, and the rules that
tie keys together (exactly one training length, a warm-up needs its length...).
"""
import copy
from typing import Any, Iterator, Optional, Tuple

from mmengine.config import Config

from ...errors import ConfigError, closest
from .keys import MMENGINE_KEYS, SCHEMA
from .spec import REQUIRED, Key
from .type_args import check_arguments, check_type_config

MISSING = object()  # a key absent from the config


def check_top_level_names(cfg: Config) -> None:
    """Every top-level name is a schema key (or a ``_`` helper variable of the config file); an
    mmengine Runner key (``param_scheduler``) is refused naming the schema keys that say it."""
    unknown = sorted(k for k in cfg.keys() if k not in SCHEMA and not k.startswith('_'))
    if unknown:
        hints = [f"'{k}' (mmengine's Runner key; here: {MMENGINE_KEYS[k]})" if k in MMENGINE_KEYS
                 else f"'{k}'{closest(k, SCHEMA)}" for k in unknown]
        raise ConfigError(f"Unknown top-level config key(s): {', '.join(hints)}. "
                          'The schema is documented in docs/config.md.')


def validate_config(cfg: Config) -> Config:
    """A copy of ``cfg`` with every key checked and the schema's defaults filled in.

    Top-level names starting with ``_`` are helper variables of the config file and are kept
    as they are. Raises ``ConfigError`` (a ``KeyError`` and a ``ValueError``) naming the key.
    """
    check_top_level_names(cfg)
    out = copy.deepcopy(cfg)
    for name, key in SCHEMA.items():
        value = check_value(cfg.get(name, MISSING), key, name)
        if value is not MISSING:
            out[name] = value
    _check_together(out)
    return out


def check_inference_config(cfg: Config, dataset: dict, dataset_path: str) -> None:
    """What a predictor reads of a config, checked without the keys only training needs: the
    top-level names, ``model``, ``channels_last`` and the inference ``dataset`` (at
    ``dataset_path``, e.g. ``'data.val'``). A config without one (a model-only base file) is an
    error: the images' pipeline (resize, crop) and the class names come from it."""
    check_top_level_names(cfg)
    if not dataset:
        raise ConfigError(
            f'The config {cfg.filename or ""} has no inference dataset (neither eval_pipelines '
            'nor data.val): a predictor takes the images\' pipeline (resize, crop) and the '
            'class names from it. Inherit a dataset base file or add data.val (a dataset with '
            'its pipeline and data source, docs/own_data.md).')
    for name in ('model', 'channels_last'):
        section(cfg, name)
    check_value(dataset, SCHEMA['data'].sub['val'], dataset_path)


def section(cfg: Any, name: str) -> Any:
    """One top-level key of ``cfg``, checked and with its defaults (None when absent)."""
    value = check_value(cfg.get(name, MISSING), SCHEMA[name], name)
    return None if value is MISSING else value


def iter_schema(keys: Optional[dict] = None, prefix: str = '') -> Iterator[Tuple[str, Key]]:
    """Every ``(dotted path, Key)`` of the schema; list elements appear as ``path[*]``."""
    for name, key in (SCHEMA if keys is None else keys).items():
        path = f'{prefix}.{name}' if prefix else name
        yield path, key
        if key.sub:
            yield from iter_schema(key.sub, path)
        if key.items is not None and key.items.sub:
            yield from iter_schema(key.items.sub, f'{path}[*]')


def check_value(value: Any, key: Key, path: str) -> Any:
    """``value`` checked against ``key`` (MISSING when absent), defaults filled in."""
    if value is MISSING:
        if key.default is REQUIRED:
            raise ConfigError(f'{path} is required ({key.doc or "see docs/config.md"}).')
        if key.default is None:
            return MISSING
        value = copy.deepcopy(key.default)
    if value is None:
        if key.nullable or key.default is None:
            return None
        raise ConfigError(f'{path} must be {_type_names(key.types)}, got None.')
    if not _type_ok(value, key.types):
        raise ConfigError(f'{path} must be {_type_names(key.types)}, got '
                          f'{type(value).__name__} {value!r}.')
    _check_range(value, key, path)
    if isinstance(value, dict):
        return _check_dict(value, key, path)
    if isinstance(value, (list, tuple)) and key.items is not None:
        return [check_value(item, key.items, f'{path}[{i}]') for i, item in enumerate(value)]
    return value


def _check_range(value: Any, key: Key, path: str) -> None:
    if key.choices is not None and value not in key.choices:
        raise ConfigError(f'{path} must be one of {list(key.choices)}, got {value!r}'
                          f'{closest(value, key.choices) if isinstance(value, str) else ""}.')
    if key.minimum is not None and _is_number(value) and value < key.minimum:
        raise ConfigError(f'{path} must be >= {key.minimum}, got {value!r}.')
    if key.check is not None and not key.check[0](value):
        raise ConfigError(f'{path} must be {key.check[1]}, got {value!r}.')


def _check_dict(value: dict, key: Key, path: str) -> dict:
    out = {k: v for k, v in value.items() if k != '_delete_'}
    if key.sub is not None and key.registry is None:
        for name in out:
            if name not in key.sub:
                raise ConfigError(f'Unknown config key {path}.{name}{closest(name, key.sub)}. '
                                  f'{path} accepts: {", ".join(key.sub)}.')
    for name, sub_key in (key.sub or {}).items():
        checked = check_value(out.get(name, MISSING), sub_key, f'{path}.{name}')
        if checked is not MISSING:
            out[name] = checked
    if key.registry is not None:
        check_type_config(out, key.registry, path, skip=key.own)
    if key.signature_of is not None:
        check_arguments(key.signature_of, set(out), path, key.signature_of.__name__)
    return out


def _check_together(cfg: Config) -> None:
    """Rules that involve several keys, and defaults that depend on other keys."""
    if (cfg.get('total_epochs') is None) == (cfg.get('total_iters') is None):
        raise ConfigError('Set exactly one of total_epochs / total_iters (set the other to None '
                          'to override a base config).')
    by_epoch = cfg.get('total_epochs') is not None
    if cfg.checkpoint_config.get('by_epoch') is None:
        cfg.checkpoint_config.by_epoch = by_epoch
    for i, entry in enumerate(cfg.eval_pipelines or []):
        entry.setdefault('name', f'val{i}')
        entry.setdefault('imgs_per_gpu', cfg.data.imgs_per_gpu)
    names = [entry['name'] for entry in cfg.eval_pipelines or []]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:  # the metrics are prefixed by the name: one entry's would replace the other's
        raise ConfigError(f'eval_pipelines names {repeated} more than once: every entry needs '
                          f'its own name (its metrics are reported as <name>/mAP, ...); got '
                          f'{names}.')
    _check_save_best(cfg.eval_config.get('save_best'), names)
    if {'paramwise_options', 'paramwise_cfg'} <= set(cfg.optimizer):
        raise ConfigError('Set only one of optimizer.paramwise_options / optimizer.paramwise_cfg '
                          "(the same option: EasyCV's and mmengine's name).")
    if cfg.get('weight_decay_config') and not cfg.optimizer.get('weight_decay'):
        raise ConfigError('weight_decay_config schedules the weight decay from '
                          'optimizer.weight_decay: set it > 0.')
    lr = cfg.lr_config or {}
    if lr.get('policy') == 'step' and lr.get('step') is None:
        raise ConfigError("lr_config.policy='step' needs lr_config.step (the milestones).")
    if lr.get('warmup') and lr.get('warmup_iters', 0) < 1:
        raise ConfigError(f"lr_config.warmup={lr['warmup']!r} needs lr_config.warmup_iters >= 1 "
                          f"(got {lr.get('warmup_iters', 0)}).")
    if lr.get('min_lr') is not None and lr.get('min_lr_ratio') is not None:
        raise ConfigError('Set only one of lr_config.min_lr / lr_config.min_lr_ratio.')


def _check_save_best(save_best: Optional[str], names: list) -> None:
    """``eval_config.save_best`` must name a metric of an ``eval_pipelines`` entry
    (``'<name>/<metric>'``); mmengine would fail with a bare ``KeyError`` at the first
    validation. Without ``eval_pipelines`` (evaluation turned off) it has no effect."""
    if save_best in (None, 'auto') or not names:
        return
    if save_best.partition('/')[0] not in names or '/' not in save_best:
        raise ConfigError(f'eval_config.save_best={save_best!r} names no evaluation: metrics are '
                          f"'<eval_pipelines name>/<metric>', names here: {', '.join(names)} "
                          f"(e.g. '{names[0]}/top1').")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _type_ok(value: Any, types: tuple) -> bool:
    for kind in types:
        if kind is float and _is_number(value):
            return True
        if kind is int and isinstance(value, int) and not isinstance(value, bool):
            return True
        if kind is list and isinstance(value, (list, tuple)):
            return True
        if kind in (bool, str, dict, type) and isinstance(value, kind):
            return True
    return False


def _type_names(types: tuple) -> str:
    names = {float: 'a number', int: 'an int', bool: 'True/False', str: 'a string',
             dict: 'a dict', list: 'a list', type: 'a class'}
    return ' or '.join(names[t] for t in types)
