"""Check a ``type=`` sub-config against the registered class: every other key must be an argument
of its ``__init__`` (nested ``type=`` dicts are checked the same way), so a misspelt argument is
an error naming the class and what it accepts instead of a silent default or a deep TypeError."""
import inspect
from typing import Any, Callable, Optional, Set

from ...errors import ConfigError, closest
from ...registry import DATA_SOURCES, TRANSFORMS
from .argument_types import check_argument_types

# Arguments whose nested ``type=`` dicts come from another registry than their parent's.
NESTED_REGISTRY = {'data_source': DATA_SOURCES, 'pipeline': TRANSFORMS, 'pipelines': TRANSFORMS,
                   'load_pipeline': TRANSFORMS, 'transforms': TRANSFORMS,
                   'mosaic_pipeline': TRANSFORMS}
# Arguments whose ``type=`` the class interprets itself (weight initialisers, layer kinds, a DALI
# reader's ``source``): not registry configs, so not checked here.
NOT_CHECKED = frozenset({'init_cfg', 'norm_cfg', 'act_cfg', 'source'})


def accepted_arguments(target: Callable) -> Optional[Set[str]]:
    """Keyword arguments ``target`` accepts, or None when they cannot be known.

    A class whose ``__init__`` has ``**kwargs`` is taken to forward them to its base class, so
    the bases' arguments are added until one without ``**kwargs``. If no base takes them (only
    ``object`` is left), they go elsewhere (mmengine's ``EMAHook`` passes them to the averaged
    model), so any argument is accepted.
    """
    classes = inspect.getmro(target) if inspect.isclass(target) else (target,)
    names: Set[str] = set()
    open_kwargs = False
    for owner in classes:
        if owner is object:
            return None if open_kwargs else names
        if inspect.isclass(owner) and '__init__' not in vars(owner):
            continue
        try:
            params = inspect.signature(owner.__init__ if inspect.isclass(owner) else owner)
        except (TypeError, ValueError):
            return None
        values = params.parameters.values()
        names.update(p.name for p in values if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
                     and p.name != 'self')
        open_kwargs = any(p.kind == p.VAR_KEYWORD for p in values)
        if not open_kwargs:
            return names
    return None


def check_arguments(target: Callable, given: Set[str], path: str, what: str) -> None:
    """Raise ``ConfigError`` if ``target`` does not accept one of the ``given`` keyword names."""
    accepted = accepted_arguments(target)
    if accepted is None:
        return
    for name in sorted(given - accepted):
        raise ConfigError(
            f'Unknown argument {path}.{name} for {what}{closest(name, accepted)}. '
            f'It accepts: {", ".join(sorted(accepted)) or "no arguments"}.')


def resolve(registry: Any, kind: Any, path: str) -> Optional[Callable]:
    """The class ``kind`` names in ``registry``; an unknown name raises ``ConfigError``."""
    if not isinstance(kind, str):
        return kind if callable(kind) else None
    try:
        found = registry.get(kind)
    except KeyError as err:
        raise ConfigError(f'{path}.type: {err.args[0]}') from None
    if found is None:
        raise ConfigError(f"{path}.type: unknown type '{kind}' in the '{registry.name}' registry.")
    return found


def check_type_config(cfg: dict, registry: Any, path: str, skip: tuple = ()) -> None:
    """Check ``cfg`` (a dict with ``type``) and its nested ``type=`` dicts.

    Args:
        cfg: the sub-config.
        registry: where ``cfg['type']`` is looked up.
        path: its dotted path in the config, for messages.
        skip: keys consumed by us, not passed to the class.
    """
    if 'type' not in cfg:
        raise ConfigError(f'{path} needs a type= (a name in the {registry.name!r} registry).')
    cls = resolve(registry, cfg['type'], path)
    if cls is None:
        return
    given = {k for k in cfg if k not in ('type', '_delete_') and k not in skip}
    what = getattr(cls, '__name__', str(cls))
    check_arguments(cls, given, path, what)
    check_argument_types(cls, {k: cfg[k] for k in given}, path, what)
    for name in given - NOT_CHECKED:
        _check_nested(cfg[name], NESTED_REGISTRY.get(name, registry), f'{path}.{name}')


def _check_nested(value: Any, registry: Any, path: str) -> None:
    if isinstance(value, dict) and 'type' in value:
        check_type_config(value, registry, path)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check_nested(item, registry, f'{path}[{i}]')
