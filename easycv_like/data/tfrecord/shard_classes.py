"""``shard_set_classes``: the class list a TFRecord shard set was converted with.

A record stores its label as an index only; the converter writes the names that index refers to
as ``classes.txt`` beside the shards. Both readers (the CPU ``TFRecord`` source and DALI's
``TFRecordReader``) take that list when ``classes`` is not given, and refuse a ``classes`` that
differs from it: a val set converted from a folder with other classes would otherwise be scored
against the training labels without any error.
"""
import os
from collections.abc import Sequence
from typing import Optional

from easycv_like.data.sources.class_names import (ClassesArg, class_list_difference,
                                                  describe_classes, read_class_names)
from easycv_like.errors import ClassMismatchError

CLASSES_FILE = 'classes.txt'  # written by the converter beside the shards it writes


def classes_file_beside(shards: Sequence[str]) -> Optional[str]:
    """The ``classes.txt`` of the one folder holding every shard, or None (none there, or the
    shards lie in several folders)."""
    folders = {os.path.dirname(os.path.abspath(shard)) for shard in shards}
    if len(folders) != 1:
        return None
    path = os.path.join(folders.pop(), CLASSES_FILE)
    return path if os.path.isfile(path) else None


def shard_set_classes(shards: Sequence[str],
                      classes: ClassesArg = None) -> tuple[Optional[list[str]], str]:
    """``(class names or None, where they came from)`` for a resolved list of shard paths.

    Raises:
        ClassMismatchError: ``classes`` differs from the ``classes.txt`` beside the shards;
            the message names both lists and the names only one of them has.
    """
    beside = classes_file_beside(shards)
    names = read_class_names(classes)
    if beside is None:
        return names, describe_classes(classes) if classes is not None else 'TFRecord'
    stored = read_class_names(beside)
    if names is None or names == stored:
        return stored, describe_classes(beside)
    detail = class_list_difference(stored, names, CLASSES_FILE, 'classes=')
    raise ClassMismatchError(
        f'TFRecord shards {shards[0]!r}... were converted with the {len(stored)} classes of '
        f'{beside!r}, and their labels index that list; classes= gives {describe_classes(classes)}'
        f' ({len(names)} classes; {detail}). Convert this split again with the training '
        'split\'s class list (tools/convert_to_tfrecord.py --classes <training folder or its '
        'classes.txt>), or drop classes= to read the stored list.')
