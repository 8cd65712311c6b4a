"""``ImageFolder``: a classification data source laid out as one sub-folder per class.

The torchvision/ImageNet layout ``root/<class>/.../<image>``: without ``classes`` the classes are
the sorted sub-folder names (the training split), labels their indices, and files are sorted so
the order is the same on every machine. Other splits are given the training split's class list
(``classes=``), so a label means the same class in every split.
"""
import logging
import os
from collections.abc import Sequence
from typing import Optional, Union

from mmengine.logging import print_log

from easycv_like.data.sources.class_names import (ClassesArg, class_folders, describe_classes,
                                                  read_class_names)
from easycv_like.errors import ClassMismatchError, ConfigError, closest
from easycv_like.registry import DATA_SOURCES

# torchvision's ImageFolder list; OpenCV decodes them all (and refuses cut-off TIFF / PNM files).
IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp', '.webp', '.tif', '.tiff', '.ppm', '.pgm')
_SHOWN = 5


def image_suffixes(extensions: Union[str, Sequence[str]]) -> tuple[str, ...]:
    """``extensions`` as lower-case endings; one string is one ending (``'.jpg'``, as
    torchvision takes it), not its letters (which would match ``.png`` by its ``g``)."""
    endings = (extensions,) if isinstance(extensions, str) else tuple(extensions)
    if not endings or not all(isinstance(e, str) and e for e in endings):
        raise ValueError(f'extensions must be file endings such as (".jpg", ".png"), got '
                         f'{extensions!r}.')
    return tuple(e.lower() for e in endings)


def scan_images(folder: str, extensions: Union[str, Sequence[str]] = IMAGE_EXTENSIONS,
                seen: Optional[dict[str, str]] = None) -> tuple[list[str], list[str]]:
    """(image files, other files) under ``folder``, recursively, both sorted.

    Images are the files whose name ends with one of ``extensions`` (case-insensitive); hidden
    files (``.DS_Store``) are in neither list. Symbolic links are followed; reaching a folder a
    second time (a link back to a parent, or two links to one folder) is an error naming both
    paths, since its images would be counted again. ``seen`` (real path -> path walked) carries
    the folders already walked across calls (the classes of one ``ImageFolder``).
    """
    suffixes = image_suffixes(extensions)
    seen = {} if seen is None else seen
    images, others = [], []
    for root, subdirs, files in os.walk(folder, followlinks=True):
        real = os.path.realpath(root)
        if real in seen:
            raise ConfigError(f'{seen[real]!r} and {root!r} are one folder (reached through a '
                              'symbolic link): its images would be counted twice. Remove the '
                              'link.')
        seen[real] = root
        subdirs.sort()
        for name in sorted(files):
            if not name.startswith('.'):
                (images if name.lower().endswith(suffixes) else others).append(
                    os.path.join(root, name))
    return images, others


def describe_skipped(others: Sequence[str]) -> str:
    """'N file(s) without an image extension were skipped: a, b, ... and M more'."""
    shown = ', '.join(repr(path) for path in others[:_SHOWN])
    more = f' and {len(others) - _SHOWN} more' if len(others) > _SHOWN else ''
    return f'{len(others)} file(s) without an image extension were skipped: {shown}{more}'


@DATA_SOURCES.register_module()
class ImageFolder:
    """Images found under ``root/<class name>/`` (searched recursively), labelled by class.

    Args:
        root: the folder holding one sub-folder per class.
        extensions: file name endings taken as images (case-insensitive; one string is one
            ending); other files are skipped with one WARNING naming a few of them (hidden
            files silently).
        classes: the class list, as a list of names, a text file (one name a line, e.g.
            ``classes.txt``) or a folder whose sub-folders are the classes (the training split's
            root). Default None: the sorted sub-folders of ``root``. With a list, a sub-folder of
            ``root`` that is not in it is an error and a listed class without a folder a warning.

    Attributes:
        classes: the class names; label ``i`` is ``classes[i]``.
        class_origin: where ``classes`` came from, for messages.

    Raises:
        FileNotFoundError: ``root`` holds no image, or a class folder holds none (naming it:
            an empty class would still count in the labels).
        ValueError: a class folder is not in the given class list (naming it and close names).
    """

    def __init__(self, root: str, extensions: Union[str, Sequence[str]] = IMAGE_EXTENSIONS,
                 classes: ClassesArg = None) -> None:
        self.root = str(root)
        suffixes = image_suffixes(extensions)
        folders = class_folders(self.root)
        if classes is None:
            self.classes, self.class_origin = folders, f'the sub-folders of {self.root!r}'
        else:
            self.classes, self.class_origin = read_class_names(classes), describe_classes(classes)
            self._check_folders(folders)
        self._samples: list[tuple[str, int]] = []
        empty, skipped, present, seen = [], [], set(folders), {}
        for label, name in enumerate(self.classes):
            if name in present:
                found, others = scan_images(os.path.join(self.root, name), suffixes, seen)
                self._samples.extend((path, label) for path in found)
                empty += [] if found else [os.path.join(self.root, name)]
                skipped += others
        if not self._samples:
            raise FileNotFoundError(f'No image ({", ".join(suffixes)}) found in class folders '
                                    f'under {self.root!r} (classes: {self.classes}).'
                                    f'{self._flat_hint(folders, suffixes)}')
        if empty:
            raise FileNotFoundError(f'Class folder(s) {empty} hold no image '
                                    f'({", ".join(suffixes)}); add images or remove them.')
        if skipped:
            print_log(f'ImageFolder {self.root!r}: {describe_skipped(skipped)} (extensions '
                      f'taken: {", ".join(suffixes)}).', logger='current',
                      level=logging.WARNING)

    def _flat_hint(self, folders: list[str], suffixes: tuple[str, ...]) -> str:
        """For a flat folder (images in ``root`` itself, no class sub-folder): the layout needed,
        and ``ImageList`` for a flat one."""
        if folders:
            return ''
        flat = [e.name for e in os.scandir(self.root)
                if e.is_file() and e.name.lower().endswith(suffixes)]
        if not flat:
            return ''
        return (f' Its {len(flat)} image(s) lie in {self.root!r} itself: ImageFolder needs one '
                'sub-folder per class (root/<class>/<image>). For a flat folder, list the images '
                "and their labels in a text file and use dict(type='ImageList', list_file=...) "
                '(docs/data.md); for self-supervised pre-training the paths alone will do, one '
                'a line (unlabelled).')

    def _check_folders(self, folders: list[str]) -> None:
        known, present = set(self.classes), set(folders)
        unknown = [name for name in folders if name not in known]
        if unknown:
            hints = [f'{name!r}{closest(name, self.classes, n=2)}' for name in unknown]
            raise ClassMismatchError(
                f'{self.root!r} has class folder(s) {", ".join(hints)} that are not in the class '
                f'list of {self.class_origin} ({len(self.classes)} classes); its labels would '
                'mean other classes.')
        absent = [name for name in self.classes if name not in present]
        if absent:
            print_log(f'{self.root!r} has no folder for {len(absent)} of the '
                      f'{len(self.classes)} classes of {self.class_origin}: {absent}.',
                      logger='current', level=logging.WARNING)

    def __len__(self) -> int:
        return len(self._samples)

    def __getitem__(self, index: int) -> dict:
        path, label = self._samples[index]
        return {'img_path': path, 'gt_label': label}
