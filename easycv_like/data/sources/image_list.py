"""``ImageList``: a classification data source read from a text file of ``path label`` lines.

The format of EasyCV and most ImageNet tooling: one image a line, the path relative to a root
folder, then an optional label: an integer, or a class name when the class list is given. Paths
may contain spaces, so only a trailing integer or class name is taken as the label.
"""
import os
import re
from collections.abc import Sequence
from typing import Optional, Union

from easycv_like.registry import DATA_SOURCES
from easycv_like.data.sources.class_names import describe_classes, read_class_names

_INT = re.compile(r'[+-]?\d+')
_NUMBER = re.compile(r'[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?')


@DATA_SOURCES.register_module()
class ImageList:
    """Image paths and labels listed in a text file.

    Each non-blank line is ``relative/path label`` or just ``relative/path`` (label -1, unlabeled).
    The label is an integer, or with ``classes`` given also a class name (``shoe/12.jpg shoe`` is
    label ``classes.index('shoe')``). The line is split on its last whitespace only when the last
    token is such a label, so ``my photo.jpg 3`` is the file ``my photo.jpg`` with label 3 and
    ``my photo.jpg`` has no label.

    Args:
        list_file: the text file.
        root: folder the paths are relative to; default: the list file's folder.
        classes: class names, as a list or as the path of a text file with one name per line;
            None when unknown. When given, every label must be -1 or an index into it.

    Raises:
        ValueError: for a malformed line, naming ``list_file:line``.
    """

    def __init__(self, list_file: str, root: Optional[str] = None,
                 classes: Union[Sequence[str], str, None] = None) -> None:
        self.list_file = str(list_file)
        self.root = str(root) if root is not None else os.path.dirname(os.path.abspath(list_file))
        self.classes = read_class_names(classes)
        self.class_origin = describe_classes(classes)
        self._class_index = {name: i for i, name in enumerate(self.classes or ())}
        self._paths: list[str] = []
        self._labels: list[int] = []
        with open(self.list_file, encoding='utf-8-sig') as f:  # tolerate a BOM
            for line_no, line in enumerate(f, start=1):
                if line.strip():
                    path, label = self._parse(line.strip(), line_no)
                    self._paths.append(path)
                    self._labels.append(label)

    def _parse(self, line: str, line_no: int) -> tuple[str, int]:
        parts = line.rsplit(maxsplit=1)
        path, label = line, -1
        if len(parts) == 2 and _INT.fullmatch(parts[1]):
            path, label = parts[0], int(parts[1])
        elif len(parts) == 2 and parts[1] in self._class_index:
            path, label = parts[0], self._class_index[parts[1]]
        elif len(parts) == 2 and _NUMBER.fullmatch(parts[1]):
            self._fail(line_no, line, f'label {parts[1]!r} is not an integer')
        num_classes = len(self.classes) if self.classes is not None else None
        if label < -1 or (num_classes is not None and label >= num_classes):
            valid = f'-1..{num_classes - 1}' if num_classes is not None else '>= -1'
            self._fail(line_no, line, f'label {label} is out of range ({valid})')
        return path, label

    def _fail(self, line_no: int, line: str, why: str) -> None:
        raise ValueError(f'{self.list_file}:{line_no}: malformed line {line!r}: {why}. '
                         "Expected 'relative/path [integer label or class name]'.")

    def __len__(self) -> int:
        return len(self._paths)

    def __getitem__(self, index: int) -> dict:
        return {'img_path': os.path.join(self.root, self._paths[index]),
                'gt_label': self._labels[index]}
