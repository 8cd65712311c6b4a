"""Load weights into a module and say what was loaded: one function for every partial load.

``load_weights`` reads a file through ``load_checkpoint_file`` (``weights_only=True``), unwraps
the usual containers (``state_dict``, ``model``, ``module``, ``teacher``, ``student`` ...) and a
DDP ``module.`` prefix, keeps the keys under ``prefix``, lets submodules adapt what they receive
(a ViT resizes its position embedding, a ``Classification`` renames another project's classifier),
leaves out the names listed in ``exclude``, loads the tensors whose names and shapes match, logs
a key report and fails when too few of the target's parameters were found or a tensor has
another shape than the model's (a classifier for another number of classes: ``exclude`` it by
name). A checkpoint that silently loads nothing, or less than it seems to, is the failure this
module exists to prevent.
"""
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import torch
from mmengine.logging import print_log
from torch import nn

from .checkpoint import PathLike, load_checkpoint_file

CONTAINER_KEYS = ('state_dict', 'model', 'model_state_dict', 'module', 'teacher', 'student',
                  'net')
SHOWN_NAMES = 5


class WeightLoadError(ValueError):
    """A checkpoint did not fit the module (too few matches, or not strict when asked to be)."""


@dataclass
class LoadReport:
    """What one load did: the file, the container and prefix used, and the key lists."""
    source: str
    target: str
    containers: List[str] = field(default_factory=list)
    prefix: Optional[str] = None
    left_out: Dict[str, int] = field(default_factory=dict)
    excluded: Dict[str, int] = field(default_factory=dict)
    matched: List[str] = field(default_factory=list)
    missing: List[str] = field(default_factory=list)
    unexpected: List[str] = field(default_factory=list)
    shape_mismatched: List[Tuple[str, tuple, tuple]] = field(default_factory=list)
    num_params: int = 0
    matched_params: int = 0

    @property
    def match_fraction(self) -> float:
        """Matched parameters over the target's parameters (1.0 for a target without any)."""
        return self.matched_params / self.num_params if self.num_params else 1.0

    @property
    def complete(self) -> bool:
        return not (self.missing or self.unexpected or self.shape_mismatched)

    def summary(self) -> str:
        """Counts, the first names of each list, the file and the unwrapping, for the log."""
        where = ' -> '.join(repr(c) for c in self.containers) or 'none (a bare state dict)'
        lines = [f'Loaded {self.source} into {self.target}: container {where}']
        if self.prefix:
            dropped = ', '.join(f'{k}.* ({n})' for k, n in self.left_out.items()) or 'nothing'
            lines.append(f'  prefix {self.prefix!r} selected the weights; left out: {dropped}')
        if self.excluded:
            dropped = ', '.join(f'{k}* ({n})' for k, n in self.excluded.items())
            lines.append(f'  left out by exclude: {dropped}')
        lines.append(f'  matched {self.matched_params}/{self.num_params} parameters '
                     f'({100 * self.match_fraction:.1f}%), {len(self.matched)} tensors in all')
        mismatched = [f'{k} {tuple(a)} in file vs {tuple(b)} in model'
                      for k, a, b in self.shape_mismatched]
        for title, names in (('missing (kept their initial values)', self.missing),
                             ('unexpected (not loaded)', self.unexpected),
                             ('shape-mismatched (not loaded)', mismatched)):
            lines.append(f'  {title}: {len(names)}{_first(names)}')
        return '\n'.join(lines)


def _first(names: Sequence[str]) -> str:
    if not names:
        return ''
    more = f', ... (+{len(names) - SHOWN_NAMES})' if len(names) > SHOWN_NAMES else ''
    return ': ' + ', '.join(names[:SHOWN_NAMES]) + more


def _is_state_dict(obj: Any) -> bool:
    return isinstance(obj, Mapping) and bool(obj) and all(
        isinstance(v, torch.Tensor) for v in obj.values())


def _key_groups(keys: Sequence[str]) -> Dict[str, int]:
    """How many keys start with each first dotted component (``backbone``: 122, ...)."""
    return dict(Counter(k.split('.', 1)[0] for k in keys).most_common())


def unwrap_state_dict(obj: Any, source: str, container: Optional[str] = None
                      ) -> Tuple[Dict[str, torch.Tensor], List[str]]:
    """The tensors of a loaded checkpoint, and the containers opened to reach them.

    Args:
        obj: what ``torch.load`` returned.
        source: the file name, for errors.
        container: open this key first (e.g. ``'student'`` when ``'teacher'`` is preferred).
    """
    path: List[str] = []
    if container is not None:
        if not isinstance(obj, Mapping) or container not in obj:
            keys = list(obj) if isinstance(obj, Mapping) else type(obj).__name__
            raise WeightLoadError(f'{source} has no container {container!r}; its top level '
                                  f'holds {keys}.')
        obj, path = obj[container], [container]
    while isinstance(obj, Mapping) and not _is_state_dict(obj):
        key = next((k for k in CONTAINER_KEYS if isinstance(obj.get(k), Mapping)), None)
        if key is None:
            raise WeightLoadError(
                f'{source} holds no state dict: its top level has keys {list(obj)[:10]}, none '
                f'of them a container of tensors ({", ".join(CONTAINER_KEYS)}).')
        obj = obj[key]
        path.append(key)
    if not _is_state_dict(obj):
        raise WeightLoadError(f'{source} holds a {type(obj).__name__}, not a state dict.')
    state = dict(obj)
    if all(k.startswith('module.') for k in state):
        state = {k[len('module.'):]: v for k, v in state.items()}
        path.append("'module.' prefix (DDP)")
    return state, path


def select_prefix(state: Dict[str, torch.Tensor], prefix: str, containers: Sequence[str],
                  source: str) -> Tuple[Dict[str, torch.Tensor], Dict[str, int]]:
    """Keep the keys under ``prefix`` (prefix removed); also return the counts left out.

    A prefix that names a container already opened (``prefix='model.'`` on a DeiT file
    ``{'model': ...}``) selects everything.
    """
    dotted = prefix if prefix.endswith('.') else f'{prefix}.'
    kept = {k[len(dotted):]: v for k, v in state.items() if k.startswith(dotted)}
    if kept:
        return kept, _key_groups([k for k in state if not k.startswith(dotted)])
    if dotted[:-1] in containers:
        return state, {}
    groups = ', '.join(f'{k!r} ({n})' for k, n in list(_key_groups(list(state)).items())[:8])
    raise WeightLoadError(f'No key of {source} starts with {dotted!r}. Its keys start with: '
                          f'{groups}. Set prefix to one of them (with a trailing dot).')


def exclude_keys(state: Dict[str, torch.Tensor], exclude: Sequence[str], source: str
                 ) -> Tuple[Dict[str, torch.Tensor], Dict[str, int]]:
    """Drop the keys starting with an entry of ``exclude`` (model names, after renaming); also
    return how many each entry dropped. An entry that names no key is an error."""
    if isinstance(exclude, str):
        exclude = [exclude]
    counts = {name: sum(k.startswith(name) for k in state) for name in exclude}
    unused = [name for name, count in counts.items() if not count]
    if unused:
        groups = ', '.join(f'{k!r} ({n})' for k, n in list(_key_groups(list(state)).items())[:8])
        raise WeightLoadError(f'exclude {unused} names no key of {source} (names as the model '
                              f'has them, after prefix and renaming); its keys start with: '
                              f'{groups}.')
    kept = {k: v for k, v in state.items() if not k.startswith(tuple(exclude))}
    return kept, counts


def shape_error(module: nn.Module, report: LoadReport) -> WeightLoadError:
    """The error for tensors whose shape differs from the model's, naming them and the
    ``exclude`` entries that would leave them out (and both class counts for a classifier)."""
    shapes = [f'{k} {tuple(a)} in file vs {tuple(b)} in model'
              for k, a, b in report.shape_mismatched]
    layers = list(dict.fromkeys(k.rsplit('.', 1)[0] + '.' for k, _, _ in report.shape_mismatched))
    classes = getattr(getattr(module, 'head', None), 'num_classes', None)
    file_classes = {a[0] for k, a, b in report.shape_mismatched
                    if k.startswith('head.') and b and b[0] == classes and a and a[0] != classes}
    note = (f' The file\'s classifier has {file_classes.pop()} classes, the model\'s '
            f'head.num_classes is {classes}.' if len(file_classes) == 1 else '')
    return WeightLoadError(
        f'{len(shapes)} tensor(s) of {report.source} have another shape than in {report.target}: '
        f'{"; ".join(shapes[:SHOWN_NAMES])}.{note} To start these layers afresh, leave them out '
        f'by name: exclude={layers[:SHOWN_NAMES]} (load_cfg for load_from, or a key of '
        f"init_cfg=dict(type='Pretrained', ...)).\n{report.summary()}")


def _adapt(module: nn.Module, state: Dict[str, torch.Tensor]) -> None:
    """Let every submodule that defines ``adapt_checkpoint_state(state, prefix)`` rewrite its
    part of ``state`` in place (e.g. interpolate a ViT position embedding)."""
    for name, sub in module.named_modules():
        adapt = getattr(sub, 'adapt_checkpoint_state', None)
        if callable(adapt):
            adapt(state, f'{name}.' if name else '')


def match_state(module: nn.Module, state: Dict[str, torch.Tensor], report: LoadReport
                ) -> Dict[str, torch.Tensor]:
    """Fill the key lists of ``report``; return the tensors that can be loaded."""
    target = module.state_dict()
    params = {name for name, _ in module.named_parameters()}
    loadable = {}
    for key, value in state.items():
        if key not in target:
            report.unexpected.append(key)
        elif tuple(value.shape) != tuple(target[key].shape):
            report.shape_mismatched.append((key, tuple(value.shape), tuple(target[key].shape)))
        else:
            loadable[key] = value
            report.matched.append(key)
    report.missing = [k for k in target if k not in state]
    report.num_params = len(params)
    report.matched_params = sum(k in params for k in loadable)
    return loadable


def suggest_prefix(module: nn.Module, state: Dict[str, torch.Tensor]) -> str:
    """A hint naming the first-level prefix of ``state`` that would match the most parameters."""
    params = {name for name, _ in module.named_parameters()}
    best, best_count = None, 0
    for group in _key_groups(list(state)):
        count = sum(k[len(group) + 1:] in params for k in state if k.startswith(f'{group}.'))
        if count > best_count:
            best, best_count = group, count
    if best is None:
        return ''
    return (f" prefix='{best}.' would match {best_count} of the {len(params)} parameters "
            f'({len([k for k in state if k.startswith(best + ".")])} keys).')


def load_weights(module: nn.Module, checkpoint: Union[PathLike, Mapping], *,
                 prefix: Optional[str] = None, container: Optional[str] = None,
                 exclude: Sequence[str] = (), min_match: float = 0.5, strict: bool = False,
                 trust: bool = False, source: Optional[str] = None) -> LoadReport:
    """Load ``checkpoint`` into ``module``, log a key report, and return it.

    Args:
        module: the model (or backbone) to fill.
        checkpoint: a file path, or what ``load_checkpoint_file`` returned for one.
        prefix: keep only keys under it, prefix removed (``'backbone.'`` for an SSL file).
        container: a top-level key to open first; default: the first of ``CONTAINER_KEYS``.
        exclude: leave out the keys starting with these names, as the model names them (after
            ``prefix`` and renaming), e.g. ``['head.fc.']`` to fine-tune a classifier file into
            a head for another number of classes. Default: none.
        min_match: raise when fewer than this fraction of the module's parameters were found
            (0 allows any partial load). Default 0.5.
        strict: raise unless every key matches both ways, with equal shapes.
        trust: allow a file that needs arbitrary unpickling (see ``load_checkpoint_file``).
        source: the name to report for an already loaded ``checkpoint``.
    """
    if not 0 <= min_match <= 1:
        raise ValueError(f'min_match must be in [0, 1], got {min_match}.')
    if isinstance(checkpoint, Mapping):
        source = source or '<checkpoint dict>'
    else:
        source = str(checkpoint)
        checkpoint = load_checkpoint_file(checkpoint, map_location='cpu', trust=trust)
    state, containers = unwrap_state_dict(checkpoint, source, container)
    report = LoadReport(source=source, target=type(module).__name__, containers=containers,
                        prefix=prefix)
    if prefix:
        state, report.left_out = select_prefix(state, prefix, containers, source)
    _adapt(module, state)
    if exclude:
        state, report.excluded = exclude_keys(state, exclude, source)
    loadable = match_state(module, state, report)
    if report.shape_mismatched:
        raise shape_error(module, report)
    if strict and not report.complete:
        raise WeightLoadError(f'Strict load failed.\n{report.summary()}')
    if report.match_fraction < min_match:
        raise WeightLoadError(
            f'Only {100 * report.match_fraction:.1f}% of the parameters of '
            f'{report.target} were found in {source} (min_match={min_match}); check prefix / '
            f'container, or lower min_match to allow this partial load.'
            f'{suggest_prefix(module, state)}\n{report.summary()}')
    with torch.no_grad():
        module.load_state_dict(loadable, strict=False)
    print_log(report.summary(), logger='current',
              level=logging.INFO if report.complete else logging.WARNING)
    return report
