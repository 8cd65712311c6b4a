"""Checks that a model, its checkpoint and its datasets agree on the class list.

A label is only an index: a model trained on one class list and evaluated on a dataset labelled
with another reports a meaningless score. These checks turn such a disagreement into an error
that names both sides and where each list came from.
"""
from collections.abc import Sequence
from typing import Any, Optional

from torch import nn

from ..data.sources.class_names import class_list_difference
from ..errors import ClassMismatchError


def dataset_classes(dataset: Any) -> tuple[Optional[list[str]], str]:
    """``(classes or None, where they came from)`` of a built dataset (``metainfo['classes']``)."""
    classes = (getattr(dataset, 'metainfo', None) or {}).get('classes')
    holder = getattr(dataset, 'bank', dataset)  # KNNDataset: its bank
    source = getattr(holder, 'data_source', None) or getattr(holder, 'reader', None)  # DALI: reader
    origin = getattr(source, 'class_origin', None) or type(source or dataset).__name__
    return (None if classes is None else [str(c) for c in classes]), origin


def check_same_classes(expected: Optional[Sequence[str]], expected_origin: str,
                       actual: Optional[Sequence[str]], actual_origin: str) -> None:
    """Raise ``ClassMismatchError`` unless both lists are equal (same names, same order).

    Nothing is checked when either list is unknown (None), e.g. unlabelled SSL data.
    """
    if expected is None or actual is None or list(expected) == list(actual):
        return
    detail = class_list_difference(expected, actual, 'the first', 'the second')
    raise ClassMismatchError(
        f'Class lists disagree: {expected_origin} has {len(expected)} classes, {actual_origin} '
        f'has {len(actual)} ({detail}). Give every split the same class list (classes=).')


# the modules of a model whose ``num_classes`` must equal the class count: a classifier's or
# detector's head, a segmentor's decode head and its optional auxiliary head
_CLASS_HEADS = ('head', 'decode_head', 'auxiliary_head')


def check_num_classes(model: nn.Module, classes: Optional[Sequence[str]], origin: str) -> None:
    """Raise ``ClassMismatchError`` when ``num_classes`` of a head of ``model`` (``head``,
    ``decode_head``, ``auxiliary_head``) differs from ``len(classes)``.

    Models without such a head (SSL algorithms) and unknown class lists pass.
    """
    model = getattr(model, 'module', model)  # DDP and other wrappers
    if classes is None:
        return
    for name in _CLASS_HEADS:
        num_classes = getattr(getattr(model, name, None), 'num_classes', None)
        if num_classes is not None and num_classes != len(classes):
            raise ClassMismatchError(
                f'model.{name}.num_classes={num_classes} but the data has {len(classes)} '
                f'classes (from {origin}). Set model.{name}.num_classes={len(classes)} or fix '
                'the class list.')
