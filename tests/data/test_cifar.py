import pickle

import numpy as np
import pytest

from easycv_like.data.sources import Cifar
from easycv_like.registry import DATA_SOURCES


def _batch(first_value: int, count: int) -> np.ndarray:
    """``count`` rows of 3072 bytes: image k is R=first+k, G=first+k+100, B=first+k+200 (mod 256),
    except pixel (row 0, col 1) whose R is 7 to check the row-major layout."""
    rows = np.zeros((count, 3, 32, 32), dtype=np.uint8)
    for k in range(count):
        for channel in range(3):
            rows[k, channel] = (first_value + k + 100 * channel) % 256
        rows[k, 0, 0, 1] = 7
    return rows.reshape(count, 3072)


def _dump(path, obj):
    with open(path, 'wb') as f:
        pickle.dump(obj, f)


def _write_cifar10(folder):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(1, 6):
        _dump(folder / f'data_batch_{i}', {b'data': _batch(10 * i, 2), b'labels': [i, i + 1]})
    _dump(folder / 'test_batch', {b'data': _batch(0, 3), b'labels': [9, 8, 7]})
    _dump(folder / 'batches.meta', {b'label_names': [f'class{i}'.encode() for i in range(10)]})


def test_cifar10_layout(tmp_path):
    _write_cifar10(tmp_path / 'cifar-10-batches-py')
    train = DATA_SOURCES.build(dict(type='Cifar', root=str(tmp_path)))  # the parent folder works
    assert train.variant == 'cifar10' and len(train) == 10
    assert train.classes == [f'class{i}' for i in range(10)]
    assert [train[i]['gt_label'] for i in range(4)] == [1, 2, 2, 3]
    img = train[3]['img']  # batch 2, second image: first value 21
    assert img.shape == (32, 32, 3) and img.dtype == np.uint8
    assert img[5, 5].tolist() == [21, 121, 221]
    assert img[0, 1].tolist() == [7, 121, 221]
    test = Cifar(str(tmp_path / 'cifar-10-batches-py'), split='test')
    assert len(test) == 3 and test[2]['gt_label'] == 7
    assert test[2]['img'][0, 0].tolist() == [2, 102, 202]
    assert 'img_path' not in test[0]


def test_cifar100_layout_with_str_keys(tmp_path):
    _dump(tmp_path / 'train', {'data': _batch(50, 4), 'fine_labels': [0, 99, 5, 6],
                               'coarse_labels': [1, 1, 1, 1]})
    _dump(tmp_path / 'test', {'data': _batch(60, 1), 'fine_labels': [42], 'coarse_labels': [3]})
    _dump(tmp_path / 'meta', {'fine_label_names': [f'f{i}' for i in range(100)],
                              'coarse_label_names': [f'c{i}' for i in range(20)]})
    train = Cifar(str(tmp_path))
    assert train.variant == 'cifar100' and len(train) == 4 and len(train.classes) == 100
    assert [train[i]['gt_label'] for i in range(4)] == [0, 99, 5, 6]
    assert train[1]['img'][31, 31].tolist() == [51, 151, 251]
    test = Cifar(str(tmp_path), split='test')
    assert test[0]['gt_label'] == 42 and test[0]['img'][3, 3].tolist() == [60, 160, 4]


def test_items_are_copies_and_errors(tmp_path):
    _write_cifar10(tmp_path)
    source = Cifar(str(tmp_path))
    source[0]['img'][:] = 0
    assert source[0]['img'][5, 5, 0] == 10
    with pytest.raises(ValueError, match='split'):
        Cifar(str(tmp_path), split='val')
    with pytest.raises(FileNotFoundError, match='CIFAR'):
        Cifar(str(tmp_path / 'nowhere'))
