"""The evaluation datasets of a config, resolved after merging.

An ``eval_pipelines`` entry may name a split of ``data`` instead of copying it (``data='val'``,
and a ``KNNDataset``'s ``bank='train'`` / ``query='val'``), so overriding ``data.val`` changes what
is evaluated. ImageFolder and SegFolder evaluation splits without a class list get the training
split's, so a label means the same class in every split. (A ``Coco`` split keeps its own: there,
no list means every category of its file.)
"""
import copy
from collections.abc import Sequence
from typing import Any, Optional

from mmengine.config import Config

from ..errors import ConfigError, closest
from ..source_names import FORMER_NAMES

_REFERENCE_KEYS = ('bank', 'query')  # dataset arguments that hold datasets (KNNDataset)
_SHARED_CLASS_SOURCES = ('ImageFolder', 'SegFolder')  # sources whose splits share one class list


def _split(data: dict, name: str, where: str) -> dict:
    splits = sorted(k for k, v in data.items() if isinstance(v, dict))
    if name not in splits:
        raise ConfigError(f'{where}={name!r}{closest(name, splits)} names no dataset of data '
                          f'(splits: {splits}).')
    return copy.deepcopy(data[name])


def _resolve(dataset: Any, data: dict, where: str) -> Any:
    if isinstance(dataset, str):
        return _split(data, dataset, where)
    if isinstance(dataset, dict):
        for key in _REFERENCE_KEYS:
            if isinstance(dataset.get(key), (str, dict)):
                dataset[key] = _resolve(dataset[key], data, f'{where}.{key}')
    return dataset


def training_classes(cfg: Config) -> Any:
    """The training split's class list as a ``classes=`` value: its ``classes`` argument, else an
    ImageFolder's root (its sub-folders); None when unknown."""
    train = (cfg.get('data') or {}).get('train') or {}
    source = train.get('data_source') or train.get('source') or {}  # torch / DALI datasets
    if source.get('classes') is not None:
        return source['classes']
    kind = FORMER_NAMES.get(source.get('type'), source.get('type'))
    return source.get('root') if kind == 'ImageFolder' else None


def _give_classes(dataset: Any, classes: Any) -> None:
    if not isinstance(dataset, dict):
        return
    source = dataset.get('data_source') or dataset.get('source')  # torch / DALI datasets
    if isinstance(source, dict) and \
            FORMER_NAMES.get(source.get('type'), source.get('type')) in _SHARED_CLASS_SOURCES \
            and source.get('classes') is None:
        source['classes'] = copy.deepcopy(classes)
    for key in _REFERENCE_KEYS:
        _give_classes(dataset.get(key), classes)


def resolve_eval_data(cfg: Config, classes: Optional[Sequence[str]] = None) -> Config:
    """A copy of ``cfg`` with split names in ``eval_pipelines`` replaced by ``data``'s datasets
    and ImageFolder / SegFolder evaluation splits given a class list.

    Args:
        cfg: the merged config.
        classes: the class list for ImageFolder / SegFolder splits that have none (when evaluating a
            checkpoint: its classes); default: the training split's (:func:`training_classes`).

    Raises:
        KeyError: a name is not a split of ``data``, naming the entry and the closest split.
    """
    cfg = copy.deepcopy(cfg)
    data = cfg.get('data') or {}
    pipelines = [dict(entry) for entry in cfg.get('eval_pipelines') or []]
    for i, entry in enumerate(pipelines):
        entry['data'] = _resolve(entry.get('data'), data, f'eval_pipelines[{i}].data')
    if pipelines:
        cfg.eval_pipelines = pipelines
    classes = classes if classes is not None else training_classes(cfg)
    if classes is not None:
        for name, split in data.items():
            if name != 'train':
                _give_classes(split, classes)
        for entry in cfg.get('eval_pipelines') or []:
            _give_classes(entry['data'], classes)
    return cfg
