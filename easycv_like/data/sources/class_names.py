"""``read_class_names``: the ``classes`` argument shared by data sources, as a list or None.

Configs give class names inline, as a text file (one name a line, e.g. ``classes.txt`` written
next to a list file), or as a folder whose sub-folders are the classes (the training split of an
ImageFolder layout), so that every split labels the same names with the same indices.
"""
import os
from collections import Counter
from collections.abc import Sequence
from typing import Optional, Union

from easycv_like.errors import ConfigError

ClassesArg = Union[Sequence[str], str, os.PathLike, None]


def class_folders(root: Union[str, os.PathLike]) -> list[str]:
    """The sorted names of the sub-folders of ``root`` (an ImageFolder's classes)."""
    return sorted(entry.name for entry in os.scandir(root) if entry.is_dir())


def read_class_names(classes: ClassesArg) -> Optional[list[str]]:
    """Return ``classes`` as a list of names: a text file is read one non-blank line a name, a
    folder gives its sorted sub-folder names.

    Raises:
        ConfigError (a ValueError): a name appears twice (labels would be ambiguous), naming
            it, or the file is not text (an image given by mistake), naming it.
    """
    if classes is None:
        return None
    if isinstance(classes, (str, os.PathLike)) and os.path.isdir(classes):
        names = class_folders(classes)
    elif isinstance(classes, (str, os.PathLike)):
        try:
            with open(classes, encoding='utf-8-sig') as f:
                names = [line.strip() for line in f if line.strip()]
        except UnicodeDecodeError as err:
            raise ConfigError(f'Class list {str(classes)!r} is not a UTF-8 text file (one class '
                             f'name a line): {err.reason} at byte {err.start}.') from None
    else:
        names = [str(name) for name in classes]
    repeated = sorted(name for name, count in Counter(names).items() if count > 1)
    if repeated:
        raise ConfigError(f'Class list {describe_classes(classes)} names {repeated} more than '
                         'once.')
    return names


def describe_classes(classes: ClassesArg) -> str:
    """Where a class list comes from, for messages: the file, the folder, or 'the given list'."""
    if isinstance(classes, (str, os.PathLike)):
        kind = 'the sub-folders of' if os.path.isdir(classes) else 'the file'
        return f'{kind} {str(classes)!r}'
    return 'the given classes list'


def class_list_difference(first: Sequence[str], second: Sequence[str], first_name: str,
                          second_name: str) -> str:
    """How two class lists differ, for an error message: the names only one of them has (ten at
    most of each), or that they order the same names differently."""
    extra = [c for c in second if c not in set(first)]
    missing = [c for c in first if c not in set(second)]
    if extra or missing:
        return f'only in {second_name}: {extra[:10]}; only in {first_name}: {missing[:10]}'
    return 'the same names in another order, so labels differ'
