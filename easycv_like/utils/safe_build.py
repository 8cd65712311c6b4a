"""Build objects from a config read out of a checkpoint (untrusted data) without running its code.

mmengine's registries resolve a ``type`` they do not hold by importing it as a dotted path
(``'os.system'``, ``'builtins.open'``), and ``custom_imports`` imports any module. Both are fine
for a config the user wrote, not for one stored in a file someone sent. Here every ``type`` of a
stored config must be a name registered in easycv_like's registries or their mmengine parents
(``'ResNet'``, ``'easycv_like.ResNet'``); stored ``custom_imports`` are imported only when the
caller trusts the file. Every predictor builds through :func:`build_from_stored_config`.
"""
import logging
import sys
from typing import Any, Dict, Iterator, List, Set, Tuple

from mmengine.logging import print_log
from mmengine.registry import Registry
from mmengine.registry import root as mmengine_root
from mmengine.utils import import_modules_from_strings

from .. import registry as easycv_registry
from ..errors import closest


class UntrustedConfigError(ValueError):
    """A stored config names something that is not a registered class, or asks for imports."""


def _registries() -> List[Registry]:
    """Our registries, their ancestors and mmengine's root registries, each once."""
    found: Dict[int, Registry] = {}
    for module in (easycv_registry, mmengine_root):
        for value in vars(module).values():
            node = value if isinstance(value, Registry) else None
            while node is not None:
                found.setdefault(id(node), node)
                node = node.parent
    return list(found.values())


def registered_names() -> Dict[str, Set[str]]:
    """Every registered name, by registry scope (``'easycv_like'``, ``'mmengine'``)."""
    by_scope: Dict[str, Set[str]] = {}
    for reg in _registries():
        reg.import_from_location()
        by_scope.setdefault(reg.scope, set()).update(reg.module_dict)
    return by_scope


def _types(cfg: Any, where: str) -> Iterator[Tuple[str, str, Any]]:
    """``(key path, key, value)`` of every ``type`` / ``_scope_`` entry nested in ``cfg``."""
    if isinstance(cfg, dict):
        for key, value in cfg.items():
            path = f'{where}.{key}'
            if key in ('type', '_scope_'):
                yield path, key, value
            yield from _types(value, path)
    elif isinstance(cfg, (list, tuple)):
        for i, value in enumerate(cfg):
            yield from _types(value, f'{where}[{i}]')


def _is_registered(name: str, by_scope: Dict[str, Set[str]]) -> bool:
    scope, key = Registry.split_scope_key(name)
    if scope is None:
        return any(key in names for names in by_scope.values())
    return key in by_scope.get(scope, set())


def check_registered_types(cfg: Any, where: str, source: str) -> None:
    """Raise :class:`UntrustedConfigError` unless every ``type`` in ``cfg`` is a registered name
    (and every ``_scope_`` a registry scope), so that building it imports nothing.

    Args:
        cfg: a config dict (or list of them) read from ``source``.
        where: its key path, for messages (``'model'``).
        source: the file it came from, for messages.
    """
    by_scope = registered_names()
    for path, key, value in _types(cfg, where):
        if key == '_scope_':
            if value not in by_scope:
                raise UntrustedConfigError(
                    f'Refused {path}={value!r} in the config stored in {source}: not a registry '
                    f'scope ({", ".join(sorted(by_scope))}).')
            continue
        if isinstance(value, str) and _is_registered(value, by_scope):
            continue
        everything = sorted(set().union(*by_scope.values()))
        raise UntrustedConfigError(
            f'Refused type {value!r} at {path} in the config stored in {source}'
            f'{closest(value, everything, n=3, cutoff=0.5)}: a config read from a checkpoint may '
            'only name classes registered in easycv_like (or mmengine) registries; dotted paths '
            'are never imported from it.')


def import_stored_custom_imports(cfg: Any, source: str, trust: bool = False) -> None:
    """Handle a stored config's ``custom_imports``: modules already imported are fine; others
    are imported only with ``trust=True`` (it warns), else :class:`UntrustedConfigError` names
    them. Import your own modules before building to use their registered classes safely."""
    imports = (cfg.get('custom_imports') or {}).get('imports', [])
    imports = [imports] if isinstance(imports, str) else list(imports)
    bad = [m for m in imports if not isinstance(m, str)]
    if bad:
        raise UntrustedConfigError(f'custom_imports in {source} holds non-module names {bad!r}.')
    missing = [m for m in imports if m not in sys.modules]
    if not missing:
        return
    if not trust:
        raise UntrustedConfigError(
            f'The config stored in {source} asks to import {missing} (custom_imports); code is '
            'never imported from a checkpoint by default. Import these modules yourself before '
            'building, or pass trust_checkpoint=True (--trust-checkpoint) if you trust the file.')
    print_log(f'Importing {missing} named by {source} because it was explicitly trusted.',
              logger='current', level=logging.WARNING)
    import_modules_from_strings(missing)


def build_from_stored_config(registry: Registry, cfg: dict, where: str, source: str) -> Any:
    """``registry.build(cfg)`` after :func:`check_registered_types` accepted ``cfg``."""
    check_registered_types(cfg, where, source)
    return registry.build(cfg)
