"""Check the values of a ``type=`` sub-config against the class's plain type annotations
(``lr: float``, ``depth: int``, ``name: Optional[str]``), so a string where a number belongs is
an error naming the argument instead of a failure deep inside the class."""
import inspect
import types
import typing
from typing import Any, Callable, Dict, Optional, Tuple

import torch

from ...errors import ConfigError

# Annotations checked; any other annotation (Sequence[int], dict, a class...) is not.
PLAIN = (bool, int, float, str, type(None), torch.Tensor)
NAMES = {bool: 'True/False', int: 'an int', float: 'a number', str: 'a string',
         type(None): 'None', torch.Tensor: 'a tensor'}


def plain_types(annotation: Any) -> Optional[Tuple[type, ...]]:
    """The types an annotation made only of ``PLAIN`` types allows, else None (not checked)."""
    if annotation in PLAIN:
        return (annotation,)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        allowed = typing.get_args(annotation)
        if all(a in PLAIN for a in allowed):
            return allowed
    return None


def annotations(target: Callable) -> Dict[str, Any]:
    """Resolved annotations of ``target``'s ``__init__`` arguments, its base classes' included."""
    found: Dict[str, Any] = {}
    owners = inspect.getmro(target) if inspect.isclass(target) else (target,)
    for owner in owners:
        func = vars(owner).get('__init__') if inspect.isclass(owner) else owner
        if func is None or owner is object:
            continue
        try:
            hints = typing.get_type_hints(func)
        except Exception:  # unresolvable forward references: leave those arguments unchecked
            hints = {}
        for name, hint in hints.items():
            found.setdefault(name, hint)
    return found


def _matches(value: Any, kind: type) -> bool:
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def check_argument_types(target: Callable, cfg: dict, path: str, what: str) -> None:
    """Raise ``ConfigError`` for a value whose type its plain annotation excludes."""
    hints = annotations(target)
    for name, value in cfg.items():
        allowed = plain_types(hints.get(name))
        if allowed is None or any(_matches(value, kind) for kind in allowed):
            continue
        expected = ' or '.join(NAMES[kind] for kind in allowed if kind is not torch.Tensor)
        raise ConfigError(f'{path}.{name} for {what} must be {expected}, got '
                          f'{type(value).__name__} {value!r}.')
