"""``Key``: the declarative description of one config key (types, default, range, sub-keys)."""
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional, Tuple

REQUIRED = object()  # ``default`` of a key that must be set
Types = Tuple[type, ...]


@dataclass(frozen=True)
class Key:
    """What one config key accepts; the schema is a tree of these.

    Args:
        types: accepted Python types (``int`` excludes ``bool``; ``float`` accepts ``int``;
            ``list`` accepts tuples).
        default: filled in when the key is absent; ``REQUIRED`` makes it mandatory; ``None``
            leaves an optional key absent.
        doc: one line for docs/config.md.
        minimum: smallest accepted number (inclusive).
        choices: the accepted values.
        check: ``(predicate, what is expected)`` for rules a minimum cannot say.
        nullable: ``None`` is accepted (to unset a value inherited from a base).
        sub: for a dict, its keys (any other key is an error).
        items: for a list, what each element is.
        registry: for a ``type=`` sub-config, the registry whose class's ``__init__`` must
            accept every other key (nested ``type=`` dicts are checked the same way).
        own: keys of a ``type=`` sub-config that we consume (validated by ``sub``) and that are
            not passed to the class.
        signature_of: a callable whose keyword arguments are the dict's only accepted keys.
    """
    types: Types
    default: Any = None
    doc: str = ''
    minimum: Optional[float] = None
    choices: Optional[tuple] = None
    check: Optional[Tuple[Callable[[Any], bool], str]] = None
    nullable: bool = False
    sub: Optional[Mapping[str, 'Key']] = None
    items: Optional['Key'] = None
    registry: Any = None
    own: Tuple[str, ...] = field(default_factory=tuple)
    signature_of: Optional[Callable] = None


def positive_int(default: Any = None, doc: str = '', nullable: bool = False) -> Key:
    """An ``int`` >= 1 (epochs, batch sizes, intervals): zero or less is rejected."""
    return Key((int,), default, doc, minimum=1, nullable=nullable)


def flag(default: bool = False, doc: str = '') -> Key:
    """A ``bool`` switch."""
    return Key((bool,), default, doc)
