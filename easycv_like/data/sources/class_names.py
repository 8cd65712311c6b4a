"""``read_class_names``: the ``classes`` argument shared by data sources, as a list or None.

Configs give class names either inline or as a text file (one name a line), e.g. ``classes.txt``
written next to a list file.
"""
import os
from collections.abc import Sequence
from typing import Optional, Union


def read_class_names(classes: Union[Sequence[str], str, os.PathLike, None]) -> Optional[list[str]]:
    """Return ``classes`` as a list of names: a path is read one non-blank line a name."""
    if classes is None:
        return None
    if isinstance(classes, (str, os.PathLike)):
        with open(classes, encoding='utf-8-sig') as f:
            return [line.strip() for line in f if line.strip()]
    return [str(name) for name in classes]
