"""Class-list agreement checks (engine/class_checks.py)."""
import pytest
from torch import nn

from easycv_like.engine.class_checks import (ClassMismatchError, check_num_classes,
                                             check_same_classes)


def test_same_classes_names_the_difference_and_both_origins():
    check_same_classes(['a', 'b'], 'ckpt', ['a', 'b'], 'val')
    check_same_classes(None, 'ckpt', ['a'], 'val')  # unknown: nothing to compare
    with pytest.raises(ClassMismatchError, match=r"ckpt has 3 classes, val has 2 .*\['c'\]"):
        check_same_classes(['a', 'b', 'c'], 'ckpt', ['a', 'b'], 'val')
    with pytest.raises(ClassMismatchError, match='another order'):
        check_same_classes(['a', 'b'], 'ckpt', ['b', 'a'], 'val')


def test_num_classes_against_the_head():
    model = nn.Module()
    model.head = nn.Module()
    model.head.num_classes = 7
    check_num_classes(model, ['c'] * 7, 'train')
    check_num_classes(nn.Linear(2, 2), ['c'] * 3, 'train')  # no head: an SSL model
    with pytest.raises(ClassMismatchError,
                       match=r'model.head.num_classes=7 but .* 6 classes \(from folder x\)'):
        check_num_classes(model, ['c'] * 6, 'folder x')


@pytest.mark.parametrize('name', ['decode_head', 'auxiliary_head'])
def test_num_classes_against_segmentation_heads(name):
    model = nn.Module()
    model.decode_head, model.auxiliary_head = nn.Module(), nn.Module()
    model.decode_head.num_classes = model.auxiliary_head.num_classes = 4
    check_num_classes(model, ['c'] * 4, 'masks')
    getattr(model, name).num_classes = 21
    with pytest.raises(ClassMismatchError,
                       match=rf'model.{name}.num_classes=21 but .* 4 classes \(from masks\)'):
        check_num_classes(model, ['c'] * 4, 'masks')
