"""Where in the config the part being built sits, so a ``ConfigError`` raised while building it
names its dotted path (``model.backbone: ResNet depth=51 ...``), not only its class.

A child is built inside its parent's constructor (``Classification`` builds its ``backbone``),
so its path is found, not passed: each build by our registries (``registry.Registry.build``)
opens a frame listing the dicts nested in its config, and a nested build looks its own config up
in the open frames by identity (mmengine's ``build_from_cfg`` copies only the top level). Where
a constructor or mmengine's Runner copied it deeply, the one equal dict of the innermost frame is
taken; failing both, the label names the chain of types (``model (YOLOX) > ? (ResNet)``), never
a guess. The engine opens the outer frames (``model``, ``data.train``, ``custom_hooks[0]``) with
:func:`entry`. Builds run in the main thread (loader workers are processes): one stack suffices.
"""
import contextlib
from typing import Any, Iterator, List, Optional, Tuple

from .errors import ConfigError


class _Frame:
    """A config being built (or an engine entry): its label and the dicts nested in it."""

    def __init__(self, label: Optional[str], cfg: Any) -> None:
        self.label = label
        self.kind = _type_name(cfg)
        self.nested: List[Tuple[str, dict]] = list(_nested(cfg, ''))


_frames: List[_Frame] = []


def _nested(value: Any, prefix: str) -> Iterator[Tuple[str, dict]]:
    """(path relative to the outer value, dict) for each dict in ``value``, itself first."""
    if isinstance(value, dict):
        yield prefix, value
        for key, item in dict.items(value):  # dict's own items: ConfigDict's build lazy objects
            yield from _nested(item, f'{prefix}.{key}' if prefix else str(key))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _nested(item, f'{prefix}[{index}]')


def _type_name(cfg: Any) -> str:
    kind = cfg.get('type', '?') if isinstance(cfg, dict) else type(cfg).__name__
    return kind if isinstance(kind, str) else getattr(kind, '__name__', repr(kind))


def _join(label: Optional[str], relative: str) -> str:
    if not label or not relative:
        return label or relative
    return label + relative if relative.startswith('[') else f'{label}.{relative}'


def _equal(a: dict, b: dict) -> bool:
    try:
        return bool(a == b)
    except Exception:  # e.g. arrays as values: no answer is no match
        return False


def _only(paths: List[str]) -> Optional[str]:
    return paths[0] if len(set(paths)) == 1 else None


def _locate(cfg: Any) -> Optional[str]:
    """The label of ``cfg``: found by identity in any open frame, by equality in the innermost."""
    for frame in reversed(_frames):
        found = _only([rel for rel, item in frame.nested if item is cfg])
        if found is not None:
            return _join(frame.label, found)
    if _frames and isinstance(cfg, dict):
        found = _only([rel for rel, item in _frames[-1].nested if _equal(item, cfg)])
        if found is not None:
            return _join(_frames[-1].label, found)
    return None


def _lost_label(cfg: Any) -> Optional[str]:
    """``model (YOLOX) > ? (ResNet)``: the enclosing entry and the type, when the path is lost."""
    if not _frames or not _frames[-1].label:
        return None
    outer = _frames[-1]
    return f'{outer.label} ({outer.kind}) > ? ({_type_name(cfg)})'


@contextlib.contextmanager
def _frame(label: Optional[str], cfg: Any) -> Iterator[None]:
    _frames.append(_Frame(label, cfg))
    try:
        yield
    except ConfigError as err:
        _prefix(err, label)
        raise
    finally:
        _frames.pop()


def _prefix(err: ConfigError, label: Optional[str]) -> None:
    """Prefix ``err``'s message with ``label`` once: the innermost build that knows it names it,
    and the outer builds it passes through leave it alone."""
    if label and getattr(err, 'config_path', None) is None:
        err.config_path = label
        err.args = (f'{label}: {err}',) + err.args[1:]


def entry(path: str, cfg: Any) -> contextlib.AbstractContextManager:
    """Within this block, ``cfg`` (a dict or a list of dicts) sits at ``path`` of the config; a
    ``ConfigError`` leaving the block is named after ``path`` (or after a nested entry)."""
    return _frame(path, cfg)


def building(cfg: Any) -> contextlib.AbstractContextManager:
    """The frame of one registry build of ``cfg``; its label found as the module says (no label,
    so no prefix, for a build outside any engine entry)."""
    label = _locate(cfg)
    return _frame(label if label is not None else _lost_label(cfg), cfg)
