"""stack_collate: mmengine's default_collate, with images of several sizes named as an error."""
import pytest
import torch
from mmengine.dataset import default_collate

from easycv_like.data.stack_collate import stack_collate
from easycv_like.errors import ConfigError


def _item(shape, path, views=False):
    img = torch.zeros(shape, dtype=torch.uint8)
    return {'inputs': [img, img.clone()] if views else img,
            'data_samples': {'gt_label': 1, 'sample_idx': 0, 'img_path': path}}


@pytest.mark.parametrize('views', [False, True])
def test_same_sizes_collate_as_mmengine(views):
    batch = [_item((3, 4, 4), 'a.jpg', views), _item((3, 4, 4), 'b.jpg', views)]
    ours, theirs = stack_collate(batch), default_collate(batch)
    inputs = ours['inputs'] if not views else ours['inputs'][1]
    assert inputs.shape == (2, 3, 4, 4)
    assert ours['data_samples']['img_path'] == theirs['data_samples']['img_path'] == [
        'a.jpg', 'b.jpg']


@pytest.mark.parametrize('views', [False, True])
def test_several_sizes_name_the_files_and_the_fix(views):
    batch = [_item((3, 16, 16), 'a.jpg', views), _item((3, 16, 25), 'photos/wide.jpg', views),
             _item((3, 16, 16), '', views)]
    with pytest.raises(ConfigError) as err:
        stack_collate(batch)
    message = str(err.value)
    assert 'have 2 different sizes' in message
    assert 'a.jpg [3, 16, 16]; photos/wide.jpg [3, 16, 25]' in message
    assert 'CenterCrop(size=S) after Resize(size=S)' in message
