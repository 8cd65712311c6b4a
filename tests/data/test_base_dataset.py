import os

import pytest
import torch

from easycv_like.data.datasets import ClsDataset
from easycv_like.data.errors import BadSampleError

from .image_files import random_image, write_bad_images, write_image

PIPELINE = [dict(type='LoadImage'), dict(type='RandomResizedCrop', size=8),
            dict(type='PackInputs')]


@pytest.fixture
def list_with_bad_files(tmp_path):
    """Seven lines: good 0, truncated.jpg, good 2, empty.png, good 4, text.png, good 6."""
    bad = write_bad_images(str(tmp_path / 'bad'))
    lines = []
    for i, bad_name in enumerate([None, 'truncated.jpg', None, 'empty.png', None, 'text.png',
                                  None]):
        if bad_name is None:
            write_image(str(tmp_path / f'{i}.png'), random_image(i))
            lines.append(f'{i}.png {i % 2}')
        else:
            lines.append(f'bad/{bad_name} 1')
    (tmp_path / 'list.txt').write_text('\n'.join(lines) + '\n')
    return str(tmp_path / 'list.txt'), bad


def _dataset(list_file, **kwargs):
    return ClsDataset(dict(type='ImageList', list_file=list_file), PIPELINE, **kwargs)


@pytest.mark.parametrize('index, name', [(1, 'truncated.jpg'), (3, 'empty.png'),
                                         (5, 'text.png')])
def test_default_policy_raises_naming_the_file(list_with_bad_files, index, name):
    dataset = _dataset(list_with_bad_files[0])
    with pytest.raises(BadSampleError, match=name):
        dataset[index]
    assert dataset[index - 1]['data_samples']['sample_idx'] == index - 1


def test_bad_files_are_skipped_with_a_warning(list_with_bad_files, mmengine_warnings):
    list_file, bad = list_with_bad_files
    dataset = _dataset(list_file, max_bad_samples=3)
    items = [dataset[i] for i in range(len(dataset))]
    for i, item in enumerate(items):
        replacement = i + 1 if i in (1, 3, 5) else i
        assert item['data_samples']['sample_idx'] == replacement
        assert item['inputs'].shape == (3, 8, 8) and item['inputs'].dtype == torch.uint8
        assert torch.equal(item['inputs'], items[replacement]['inputs'])
    warnings = [record.getMessage() for record in mmengine_warnings]
    assert len(warnings) == 3
    for path, message in zip(bad.values(), warnings):
        assert path in message
    assert sorted(dataset.bad_files) == sorted(bad.values())
    dataset[1]  # the same bad file again does not count twice
    assert len(dataset.bad_files) == 3


def test_too_many_bad_files_raise_listing_them(tmp_path):
    bad = write_bad_images(str(tmp_path))
    write_image(str(tmp_path / 'good.png'), random_image(0))
    names = ['truncated.jpg', 'empty.png', 'text.png', 'good.png']
    (tmp_path / 'list.txt').write_text(''.join(f'{name} 0\n' for name in names))
    dataset = _dataset(str(tmp_path / 'list.txt'), max_bad_samples=1)
    with pytest.raises(BadSampleError) as info:
        dataset[0]
    message = str(info.value)
    assert 'more than max_bad_samples=1' in message
    assert bad['truncated.jpg'] in message and bad['empty.png'] in message
    assert info.value.paths == (bad['truncated.jpg'], bad['empty.png'])
    dataset = _dataset(str(tmp_path / 'list.txt'), max_bad_samples=2)
    with pytest.raises(BadSampleError) as info:
        dataset[0]
    assert all(path in str(info.value) for path in bad.values())
    assert os.path.basename(bad['text.png']) in str(info.value)


def test_all_bad_raises(tmp_path):
    write_bad_images(str(tmp_path))
    (tmp_path / 'list.txt').write_text('empty.png\ntext.png\n')
    with pytest.raises(BadSampleError, match='Every one of the 2 samples'):
        _dataset(str(tmp_path / 'list.txt'), max_bad_samples=5)[0]


def test_rejects_negative_arguments(list_with_bad_files):
    with pytest.raises(ValueError, match='max_bad_samples'):
        _dataset(list_with_bad_files[0], max_bad_samples=-1)
