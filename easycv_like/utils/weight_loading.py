"""Load weights into a module and say what was loaded: one function for every weight load.

``load_weights`` reads a file through ``load_checkpoint_file`` (``weights_only=True``), unwraps
the usual containers (``state_dict``, ``model``, ``module``, ``teacher``, ``student`` ...) and a
DDP ``module.`` prefix, keeps the keys under ``prefix``, lets submodules adapt what they receive
(a ViT resizes its position embedding, a ``Classification`` renames another project's classifier),
leaves out the names listed in ``exclude``, loads the tensors whose names and shapes match and
logs a key report. It fails when a weight of the target (a parameter or a persistent buffer such
as BN running statistics; BN's ``num_batches_tracked`` counter excepted) is not in the file and
the config did not say so: ``exclude`` names the layers that start afresh on purpose, and
``min_match`` < 1 accepts a partial load knowingly. A tensor of another shape than the model's
is an error too (a classifier for another number of classes: ``exclude`` it by name), and so are
blocks past the end of the model's block lists (a ResNet-101 file for a ResNet-50). Other keys of
the file that the target does not use (a classifier's ``fc`` when loading a backbone) are fine
and listed in the report. A checkpoint that silently loads nothing, or less than it seems to, is
the failure this module exists to prevent.
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
COUNTERS = ('num_batches_tracked',)  # BN's step counter: not a learnt weight; old files lack it


class WeightLoadError(ValueError):
    """A checkpoint did not fit the module (weights missing, a shape differs, or not strict when
    asked to be)."""


@dataclass
class LoadReport:
    """What one load did: the file, the container and prefix used, and the key lists.

    ``missing`` holds the target's weights the file lacks and ``exclude`` did not name;
    ``kept_init`` the ones ``exclude`` named; ``counters`` the BN step counters the file lacks
    (kept, never required); ``num_required`` counts the target's weights less both of these.
    """
    source: str
    target: str
    containers: List[str] = field(default_factory=list)
    prefix: Optional[str] = None
    left_out: Dict[str, int] = field(default_factory=dict)
    excluded: Dict[str, int] = field(default_factory=dict)
    matched: List[str] = field(default_factory=list)
    missing: List[str] = field(default_factory=list)
    kept_init: List[str] = field(default_factory=list)
    counters: List[str] = field(default_factory=list)
    unexpected: List[str] = field(default_factory=list)
    shape_mismatched: List[Tuple[str, tuple, tuple]] = field(default_factory=list)
    num_params: int = 0
    matched_params: int = 0
    num_required: int = 0

    @property
    def match_fraction(self) -> float:
        """Required weights found over required weights (1.0 for a target without any)."""
        found = self.num_required - len(self.missing)
        return found / self.num_required if self.num_required else 1.0

    @property
    def complete(self) -> bool:
        """Every key matched both ways, nothing left out by ``exclude``."""
        return not (self.missing or self.kept_init or self.unexpected or self.shape_mismatched)

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
        lines.append(f'  matched {self.matched_params}/{self.num_params} parameters, '
                     f'{len(self.matched)} tensors in all; '
                     f'{self.num_required - len(self.missing)}/{self.num_required} required '
                     f'weights found ({100 * self.match_fraction:.1f}%)')
        mismatched = [f'{k} {tuple(a)} in file vs {tuple(b)} in model'
                      for k, a, b in self.shape_mismatched]
        for title, names in (('missing (kept their initial values)', self.missing),
                             ('unexpected (in the file, not used)', self.unexpected),
                             ('shape-mismatched (not loaded)', mismatched)):
            lines.append(f'  {title}: {len(names)}{_first(names)}')
        if self.kept_init:
            lines.append(f'  left at their initial values by exclude: {len(self.kept_init)}'
                         f'{_first(self.kept_init)}')
        if self.counters:
            lines.append(f'  BN step counters not in the file (kept): {len(self.counters)}')
        return '\n'.join(lines)


def _first(names: Sequence[str]) -> str:
    if not names:
        return ''
    more = f', ... (+{len(names) - SHOWN_NAMES})' if len(names) > SHOWN_NAMES else ''
    return ': ' + ', '.join(names[:SHOWN_NAMES]) + more


def _is_counter(key: str) -> bool:
    return key.rsplit('.', 1)[-1] in COUNTERS


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


def exclude_keys(state: Dict[str, torch.Tensor], exclude: Sequence[str], model_keys: Sequence[str],
                 source: str) -> Tuple[Dict[str, torch.Tensor], Dict[str, int]]:
    """Drop the keys starting with an entry of ``exclude`` (model names, after renaming); also
    return how many each entry dropped. An entry that names no key of the file nor of the model
    is an error (a misspelt name would otherwise exempt nothing)."""
    counts = {name: sum(k.startswith(name) for k in state) for name in exclude}
    unused = [name for name, count in counts.items()
              if not count and not any(k.startswith(name) for k in model_keys)]
    if unused:
        groups = ', '.join(f'{k!r} ({n})'
                           for k, n in list(_key_groups(list(model_keys)).items())[:8])
        raise WeightLoadError(f'exclude {unused} names no key of {source} nor of the model (names '
                              f'as the model has them, after prefix and renaming); the model\'s '
                              f'keys start with: {groups}.')
    kept = {k: v for k, v in state.items() if not k.startswith(tuple(exclude))}
    return kept, counts


def fresh_layers(names: Sequence[str], model_keys: Sequence[str]) -> List[str]:
    """The shortest dotted prefixes (with a trailing dot) that cover ``names`` and no other key of
    the model: what ``exclude`` would have to list to leave exactly these out."""
    named, layers = set(names), []
    for name in names:
        parts = name.split('.')
        for depth in range(1, len(parts) + 1):
            layer = '.'.join(parts[:depth]) + ('.' if depth < len(parts) else '')
            if all(k in named for k in model_keys if k.startswith(layer)):
                break
        if layer not in layers:
            layers.append(layer)
    return layers


def _exclude_hint(purpose: str, names: Sequence[str]) -> str:
    """The ``exclude`` entries that leave ``names`` out of a load, ``purpose`` saying why."""
    return (f' {purpose}, leave them out by name: exclude={list(names[:SHOWN_NAMES])} (load_cfg '
            "for load_from, or a key of init_cfg=dict(type='Pretrained', ...)).")


def shape_error(module: nn.Module, report: LoadReport, strict: bool) -> WeightLoadError:
    """The error for tensors whose shape differs from the model's, naming them and both class
    counts for a classifier. A strict load (evaluation, prediction, feature extraction) cannot
    leave anything out, so it is told which model the file needs; another (training) is told the
    ``exclude`` that starts these layers afresh."""
    shapes = [f'{k} {tuple(a)} in file vs {tuple(b)} in model'
              for k, a, b in report.shape_mismatched]
    layers = list(dict.fromkeys(k.rsplit('.', 1)[0] + '.' for k, _, _ in report.shape_mismatched))
    classes = getattr(getattr(module, 'head', None), 'num_classes', None)
    file_classes = {a[0] for k, a, b in report.shape_mismatched
                    if k.startswith('head.') and b and b[0] == classes and a and a[0] != classes}
    trained = file_classes.pop() if len(file_classes) == 1 else None
    need = (f' The checkpoint was trained for {trained} classes, the config\'s '
            f'model.head.num_classes is {classes}: evaluate or predict with a config (and '
            f'data) of {trained} classes.' if trained else '')
    note = (f' The file\'s classifier has {trained} classes, the model\'s head.num_classes '
            f'is {classes}.' if trained and not strict else '')
    fix = (f'{need} A strict load (evaluation, prediction) takes the file whole, leaving nothing '
           'out.' if strict else _exclude_hint('To start these layers afresh', layers))
    return WeightLoadError(
        f'{len(shapes)} tensor(s) of {report.source} have another shape than in {report.target}: '
        f'{"; ".join(shapes[:SHOWN_NAMES])}.{note}{fix}\n{report.summary()}')


def extra_blocks(module: nn.Module, unexpected: Sequence[str]) -> Dict[str, str]:
    """The unused file keys that sit past the end of one of the module's block lists, each with
    its block (``layer3.6.conv1.weight`` -> ``layer3.6.`` for a ``layer3`` of 6 blocks): the file
    is a deeper network (a ResNet-101 file for a ResNet-50), of which the model would silently
    take the first blocks."""
    blocks = {name: len(sub) for name, sub in module.named_modules()
              if isinstance(sub, (nn.Sequential, nn.ModuleList))}
    extra = {}
    for key in unexpected:
        parts = key.split('.')
        for i in range(len(parts) - 1):
            parent = '.'.join(parts[:i])
            if parent in blocks and parts[i].isdigit() and int(parts[i]) >= blocks[parent]:
                extra[key] = '.'.join(parts[:i + 1]) + '.'
                break
    return extra


def extra_blocks_error(report: LoadReport, extra: Dict[str, str]) -> WeightLoadError:
    """The error for a file deeper than the model, with both ways out: describe the deeper
    network, or leave its extra blocks out (``exclude`` works in strict loads too, the extra
    keys being the file's only; evaluation and prediction take no ``exclude``)."""
    blocks = list(dict.fromkeys(extra.values()))
    fix = (' If the file is meant whole, the config must describe that deeper network (e.g. '
           'depth=101 for a ResNet-101 file).'
           + _exclude_hint('To take only its first blocks knowingly', blocks))
    return WeightLoadError(
        f'{report.source} holds {len(extra)} tensor(s) of blocks that {report.target} does not '
        f'have{_first(list(extra))}: the file is a deeper network than the model (check depth / '
        f'arch); loading it would keep only its first blocks.{fix}\n{report.summary()}')


def _adapt(module: nn.Module, state: Dict[str, torch.Tensor]) -> None:
    """Let every submodule that defines ``adapt_checkpoint_state(state, prefix)`` rewrite its
    part of ``state`` in place (e.g. interpolate a ViT position embedding)."""
    for name, sub in module.named_modules():
        adapt = getattr(sub, 'adapt_checkpoint_state', None)
        if callable(adapt):
            adapt(state, f'{name}.' if name else '')


def missing_error(module: nn.Module, state: Dict[str, torch.Tensor], report: LoadReport,
                  min_match: float) -> WeightLoadError:
    """The error for weights of the model that the file lacks: their names, the file and
    prefix, and the two ways out (``exclude`` them, or accept the partial load by
    ``min_match``); when none was found, the prefix that would match instead."""
    where = f'under prefix {report.prefix!r}' if report.prefix else 'with no prefix'
    head = (f'{len(report.missing)} of the {report.num_required} weights of {report.target} are '
            f'not in {report.source} ({where}){_first(report.missing)}.')
    if len(report.missing) == report.num_required:
        advice = (' None was found: check prefix / container.'
                  f'{suggest_prefix(module, state, report)}')
    else:
        layers = fresh_layers(report.missing,
                              [k for k in module.state_dict() if not _is_counter(k)])
        shown = layers[:SHOWN_NAMES] + ([f'... (+{len(layers) - SHOWN_NAMES})']
                                        if len(layers) > SHOWN_NAMES else [])
        advice = (f' {100 * report.match_fraction:.1f}% were found (min_match={min_match}). To '
                  f'start these layers afresh on purpose, leave them out by name: '
                  f'exclude={shown}; to accept this partial load knowingly: '
                  f'min_match={int(100 * report.match_fraction) / 100} (load_cfg for load_from, '
                  f"or a key of init_cfg=dict(type='Pretrained', ...)).")
    return WeightLoadError(f'{head}{advice}\n{report.summary()}')


def match_state(module: nn.Module, state: Dict[str, torch.Tensor], report: LoadReport,
                exclude: Sequence[str] = ()) -> Dict[str, torch.Tensor]:
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
    report.kept_init = [k for k in target if k.startswith(tuple(exclude))]
    required = [k for k in target if k not in report.kept_init and not _is_counter(k)]
    report.missing = [k for k in required if k not in state]
    report.counters = [k for k in target if _is_counter(k) and k not in state
                       and k not in report.kept_init]
    report.num_required = len(required)
    report.num_params = len(params)
    report.matched_params = sum(k in params for k in loadable)
    return loadable


def suggest_prefix(module: nn.Module, state: Dict[str, torch.Tensor], report: LoadReport) -> str:
    """A hint naming the first-level prefix of ``state`` that would match the most parameters,
    when it matches more than the load did."""
    params = {name for name, _ in module.named_parameters()}
    best, best_count = None, 0
    for group in _key_groups(list(state)):
        count = sum(k[len(group) + 1:] in params for k in state if k.startswith(f'{group}.'))
        if count > best_count:
            best, best_count = group, count
    if best is None or best_count <= report.matched_params:
        return ''
    return (f" prefix='{best}.' would match {best_count} of the {len(params)} parameters "
            f'({len([k for k in state if k.startswith(best + ".")])} keys).')


def load_weights(module: nn.Module, checkpoint: Union[PathLike, Mapping], *,
                 prefix: Optional[str] = None, container: Optional[str] = None,
                 exclude: Sequence[str] = (), min_match: float = 1.0, strict: bool = False,
                 trust: bool = False, source: Optional[str] = None) -> LoadReport:
    """Load ``checkpoint`` into ``module``, log a key report, and return it.

    Args:
        module: the model (or backbone) to fill.
        checkpoint: a file path, or what ``load_checkpoint_file`` returned for one.
        prefix: keep only keys under it, prefix removed (``'backbone.'`` for an SSL file).
        container: a top-level key to open first; default: the first of ``CONTAINER_KEYS``.
        exclude: layers that start afresh on purpose: the keys starting with these names, as
            the model names them (after ``prefix`` and renaming), are neither loaded nor
            required, e.g. ``['head.fc.']`` to fine-tune a classifier file into a head for
            another number of classes. Default: none.
        min_match: the least fraction of the module's weights (parameters and persistent
            buffers, ``exclude`` and BN step counters not counted) that must be in the file.
            Default 1.0: every one; lower it to accept a partial load knowingly (the report,
            logged as a warning, lists what kept its initial values).
        strict: also raise when the file holds keys the module does not use, or ``exclude``
            left a weight out. Default False.
        trust: allow a file that needs arbitrary unpickling (see ``load_checkpoint_file``).
        source: the name to report for an already loaded ``checkpoint``.
    """
    if not 0 <= min_match <= 1:
        raise ValueError(f'min_match must be in [0, 1], got {min_match}.')
    exclude = [exclude] if isinstance(exclude, str) else list(exclude)
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
        state, report.excluded = exclude_keys(state, exclude, list(module.state_dict()), source)
    loadable = match_state(module, state, report, exclude)
    if report.shape_mismatched:
        raise shape_error(module, report, strict)
    extra = extra_blocks(module, report.unexpected)
    if extra:
        raise extra_blocks_error(report, extra)
    if strict and not report.complete:
        raise WeightLoadError(f'Strict load failed (strict=True: every weight of {report.target} '
                              f'in the file, every key of the file used, nothing excluded).\n'
                              f'{report.summary()}')
    if report.missing and report.match_fraction < min_match:
        raise missing_error(module, state, report, min_match)
    with torch.no_grad():
        module.load_state_dict(loadable, strict=False)
    print_log(report.summary(), logger='current',
              level=logging.WARNING if report.missing else logging.INFO)
    return report
