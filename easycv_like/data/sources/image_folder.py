"""``ImageFolder``: a classification data source laid out as one sub-folder per class.

The torchvision/ImageNet layout ``root/<class>/.../<image>``: classes are the sorted sub-folder
names, labels their indices, and files are sorted so the order is the same on every machine.
"""
import os
from collections.abc import Sequence

from easycv_like.registry import DATA_SOURCES

IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp', '.webp')


@DATA_SOURCES.register_module()
class ImageFolder:
    """Images found under ``root/<class name>/`` (searched recursively), labelled by class.

    Args:
        root: the folder holding one sub-folder per class.
        extensions: file name endings taken as images (case-insensitive).

    Raises:
        FileNotFoundError: when ``root`` holds no class folder or no image.
    """

    def __init__(self, root: str, extensions: Sequence[str] = IMAGE_EXTENSIONS) -> None:
        self.root = str(root)
        suffixes = tuple(ext.lower() for ext in extensions)
        self.classes = sorted(entry.name for entry in os.scandir(self.root) if entry.is_dir())
        self._samples: list[tuple[str, int]] = []
        for label, name in enumerate(self.classes):
            for folder, subdirs, files in os.walk(os.path.join(self.root, name), followlinks=True):
                subdirs.sort()
                self._samples.extend((os.path.join(folder, file), label) for file in sorted(files)
                                     if file.lower().endswith(suffixes))
        if not self._samples:
            raise FileNotFoundError(f'No image ({", ".join(suffixes)}) found in class folders '
                                    f'under {self.root!r} (classes: {self.classes}).')

    def __len__(self) -> int:
        return len(self._samples)

    def __getitem__(self, index: int) -> dict:
        path, label = self._samples[index]
        return {'img_path': path, 'gt_label': label}
