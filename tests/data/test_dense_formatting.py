import numpy as np
import pytest
import torch

from easycv_like.data.transforms import Letterbox, PackDetInputs, PackSegInputs

from .dense_samples import box_sample, empty_sample


def test_pack_det_inputs_follows_the_contract():
    sample = Letterbox(size=(80, 80), center=True)(box_sample(height=50, width=100))
    sample.update(img_id=7, sample_idx=3)
    item = PackDetInputs()(sample)
    assert item['inputs'].shape == (3, 80, 80) and item['inputs'].dtype == torch.uint8
    ds = item['data_samples']
    assert ds['img_id'] == 7 and ds['sample_idx'] == 3 and ds['img_path'] == 'red.png'
    assert ds['ori_shape'] == (50, 100) and ds['img_shape'] == (80, 80)
    assert ds['scale_factor'] == pytest.approx((0.8, 0.8)) and ds['flip'] is False
    assert ds['pad'] == {'offset': (0, 20), 'shape': (80, 80)}
    assert ds['gt_bboxes'].dtype == torch.float32 and ds['gt_bboxes'].shape == (1, 4)
    assert ds['gt_labels'].dtype == torch.int64 and ds['gt_labels'].tolist() == [2]
    assert ds['gt_ignore'].dtype == torch.bool and ds['gt_ignore'].tolist() == [False]
    assert ds['gt_seg_map'].dtype == torch.uint8 and ds['gt_seg_map'].shape == (80, 80)


def test_empty_and_target_free_samples():
    ds = PackDetInputs()(empty_sample())['data_samples']
    assert ds['gt_bboxes'].shape == (0, 4) and ds['gt_labels'].shape == (0,)
    plain = PackDetInputs()({'img': np.zeros((5, 6, 3), np.uint8)})['data_samples']
    assert 'gt_bboxes' not in plain and plain['scale_factor'] == (1.0, 1.0)
    assert plain['pad'] == {'offset': (0, 0), 'shape': (5, 6)} and plain['img_id'] == -1


def test_bad_targets_are_named():
    sample = box_sample()
    sample['gt_labels'] = np.array([1, 2])
    with pytest.raises(ValueError, match='1 boxes but 2 gt_labels'):
        PackDetInputs()(sample)
    sample = box_sample()
    sample['gt_seg_map'] = sample['gt_seg_map'][:10]
    with pytest.raises(ValueError, match='gt_seg_map of .red.png'):
        PackDetInputs()(sample)
    sample = box_sample()
    sample.pop('gt_seg_map')
    sample['seg_map_path'] = 'm.png'
    with pytest.raises(ValueError, match='LoadSegMap'):
        PackSegInputs()(sample)
