import pytest
import torch
from mmengine.dataset import default_collate

from easycv_like.data.collate import pad_collate
from easycv_like.data.transforms import PackDetInputs
from easycv_like.registry import FUNCTIONS

from .dense_samples import box_sample, empty_sample


def _items():
    return [PackDetInputs()(box_sample(height=60, width=80)),
            PackDetInputs()(empty_sample(height=70, width=33))]


def test_pads_images_and_seg_maps_to_the_rounded_batch_maximum():
    batch = FUNCTIONS.get('pad_collate')(_items(), size_divisor=32, pad_value=114)
    inputs = batch['inputs']
    assert inputs.shape == (2, 3, 96, 96) and inputs.dtype == torch.uint8
    assert (inputs[0, :, 60:] == 114).all() and (inputs[0, :, :, 80:] == 114).all()
    assert (inputs[1, :, :, 33:] == 114).all() and (inputs[1, :, 70:] == 114).all()
    assert torch.equal(inputs[0, :, :60, :80], _items()[0]['inputs'])
    first, second = batch['data_samples']
    assert first['batch_input_shape'] == (96, 96) == second['batch_input_shape']
    assert (first['alone_input_shape'], second['alone_input_shape']) == ((64, 96), (96, 64))
    assert first['gt_seg_map'].shape == (96, 96) and (first['gt_seg_map'][60:] == 255).all()
    assert first['gt_seg_map'][20, 20] == 2
    assert first['gt_bboxes'].tolist() == [[10, 15, 40, 35]]
    assert second['gt_bboxes'].shape == (0, 4) and second['gt_labels'].shape == (0,)
    assert first['img_shape'] == (60, 80)


def test_size_divisor_one_and_defaults():
    batch = pad_collate(_items(), size_divisor=1)
    assert batch['inputs'].shape == (2, 3, 70, 80)
    assert (batch['inputs'][1, :, :, 33:] == 0).all()


def test_classification_items_still_work_and_bad_items_are_named():
    items = [{'inputs': torch.zeros(3, 4, 4, dtype=torch.uint8),
              'data_samples': {'gt_label': 1}}] * 2
    assert pad_collate(items, size_divisor=8)['inputs'].shape == (2, 3, 8, 8)
    assert default_collate(items)['inputs'].shape == (2, 3, 4, 4)
    with pytest.raises(TypeError, match='item 0 inputs'):
        pad_collate([{'inputs': [torch.zeros(3, 4, 4)], 'data_samples': {}}])
    with pytest.raises(ValueError, match='item 1 has 1 channels'):
        pad_collate([items[0], {'inputs': torch.zeros(1, 4, 4, dtype=torch.uint8)}])
