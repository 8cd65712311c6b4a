"""``--cfg-options a.b=1``: dotted overrides merged into a loaded config.

A key must already be in the config or be a key of the schema (docs/config.md), so a misspelt
override is an error naming the closest keys instead of a silently added, unused value. A key
that is meant to be new (an argument the config does not set yet) is written with a ``+``
prefix: ``+model.backbone.drop_path_rate=0.1``.
"""
from typing import Any, Iterator, Mapping, Optional

from mmengine.config import Config

from ..engine.config_schema import SCHEMA, ConfigError, Key
from ..errors import closest

NEW_KEY_PREFIX = '+'


def merge_cfg_options(cfg: Config, options: Mapping[str, Any]) -> None:
    """Merge ``options`` (dotted key -> value) into ``cfg`` after checking every key."""
    merged = {}
    for key, value in options.items():
        if not isinstance(key, str):
            raise ConfigError(f'cfg_options keys are dotted strings, got {key!r}.')
        if key.startswith(NEW_KEY_PREFIX):
            key = key[len(NEW_KEY_PREFIX):]
        else:
            for leaf in _leaf_keys(cfg, key, value):
                check_known_key(cfg, leaf)
        merged[key] = value
    cfg.merge_from_dict(merged)


def _leaf_keys(cfg: Config, key: str, value: Any) -> Iterator[str]:
    """The dotted keys a dict value sets (``{'model': {'head': {'num_classes': 3}}}`` sets
    ``model.head.num_classes``): each is checked, since a dict merges into the config's dict.
    A dict that replaces the entry (``_delete_=True``, or the config holds no dict there) is
    checked by its own key."""
    if (isinstance(value, Mapping) and value and not value.get('_delete_')
            and isinstance(_current(cfg, key), Mapping)):
        for name, sub in value.items():
            yield from _leaf_keys(cfg, f'{key}.{name}', sub)
    else:
        yield key


def _current(cfg: Config, key: str) -> Any:
    """The config's value at a dotted key (list items by index); None when there is none."""
    node: Any = {name: cfg[name] for name in cfg.keys()}
    for part in key.split('.'):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, (list, tuple)) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def check_known_key(cfg: Config, key: str) -> None:
    """Raise ``ConfigError`` unless ``key`` is in ``cfg`` or declared by the schema."""
    node: Any = {name: cfg[name] for name in cfg.keys()}
    spec: Optional[Key] = None
    done = []
    for part in key.split('.'):
        keys = spec.sub if spec is not None else (SCHEMA if not done else None)
        if isinstance(node, (list, tuple)) and part.isdigit() and int(part) < len(node):
            node, spec = node[int(part)], spec.items if spec is not None else None
        elif isinstance(node, Mapping) and part in node:
            node, spec = node[part], (keys or {}).get(part)
        elif keys is not None and part in keys:
            node, spec = {}, keys[part]
        else:
            _unknown(key, part, done, node, keys)
        done.append(part)


def _unknown(key: str, part: str, done: list, node: Any, keys: Optional[Mapping]) -> None:
    where = '.'.join(done) or 'the config'
    if isinstance(node, (list, tuple)):
        what = f'{where} is a list of {len(node)}; {part!r} is not an index of it'
    else:
        known = (set(node) if isinstance(node, Mapping) else set()) | set(keys or {})
        what = (f'{part!r} is not a key of {where}{closest(part, map(str, known))}. Known keys '
                f'there: {", ".join(sorted(map(str, known))) or "none"}')
    raise ConfigError(f'--cfg-options {key}: {what}. To add a key the config does not have, '
                      f'write {NEW_KEY_PREFIX}{key}=...')
