"""``Cifar``: CIFAR-10 / CIFAR-100 read from the python pickle batches in a local folder.

The small benchmark of SSL linear probes and quick experiments. The whole split (50k images of
32x32) fits in memory, so samples carry the decoded image and no file is read per item.
"""
import os
import pickle

import numpy as np

from easycv_like.registry import DATA_SOURCES

# variant: (sub-folder of the official archive, meta file, files per split, label key, names key)
_LAYOUTS = {
    'cifar10': ('cifar-10-batches-py', 'batches.meta',
                {'train': [f'data_batch_{i}' for i in range(1, 6)], 'test': ['test_batch']},
                'labels', 'label_names'),
    'cifar100': ('cifar-100-python', 'meta', {'train': ['train'], 'test': ['test']},
                 'fine_labels', 'fine_label_names'),
}


@DATA_SOURCES.register_module()
class Cifar:
    """CIFAR-10 or CIFAR-100 (fine labels), detected from the files present.

    ``root`` is the extracted folder (``cifar-10-batches-py`` / ``cifar-100-python``) or its parent.
    Images are HWC uint8 RGB arrays of 32 x 32 x 3.

    Args:
        root: the folder holding the pickle batches.
        split: ``'train'`` or ``'test'``.
    """

    def __init__(self, root: str, split: str = 'train') -> None:
        if split not in ('train', 'test'):
            raise ValueError(f"Cifar split must be 'train' or 'test', got {split!r}.")
        self.root, self.split = str(root), split
        self.variant, folder = self._detect(self.root)
        _, meta_file, split_files, label_key, names_key = _LAYOUTS[self.variant]
        self.classes = [_text(name) for name in _load(os.path.join(folder, meta_file))[names_key]]
        images, labels = [], []
        for file in split_files[split]:
            batch = _load(os.path.join(folder, file))
            images.append(np.asarray(batch['data'], dtype=np.uint8).reshape(-1, 3, 32, 32))
            labels.extend(int(label) for label in batch[label_key])
        # N x C x H x W -> N x H x W x C
        self._images = np.ascontiguousarray(np.concatenate(images).transpose(0, 2, 3, 1))
        self._labels = labels

    @staticmethod
    def _detect(root: str) -> tuple[str, str]:
        for variant, (sub_folder, meta_file, *_) in _LAYOUTS.items():
            for folder in (root, os.path.join(root, sub_folder)):
                if os.path.isfile(os.path.join(folder, meta_file)):
                    return variant, folder
        raise FileNotFoundError(
            f'No CIFAR-10 (batches.meta) or CIFAR-100 (meta) pickle files found in {root!r} '
            'or its cifar-10-batches-py / cifar-100-python sub-folder.')

    def __len__(self) -> int:
        return len(self._labels)

    def __getitem__(self, index: int) -> dict:
        return {'img': self._images[index].copy(), 'gt_label': self._labels[index]}


def _load(path: str) -> dict:
    """Read one pickle batch; the official files were written by Python 2, so keys are bytes."""
    with open(path, 'rb') as f:
        batch = pickle.load(f, encoding='bytes')
    return {_text(key): value for key, value in batch.items()}


def _text(value) -> str:
    return value.decode('utf-8') if isinstance(value, bytes) else str(value)
