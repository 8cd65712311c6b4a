import numpy as np
import pytest

from easycv_like.data.transforms import RandomCrop, RandomResize
from easycv_like.registry import TRANSFORMS

from .dense_samples import assert_aligned, box_sample, empty_sample

CFGS = [dict(type='RandomResize', scale=(60, 80), ratio_range=(0.5, 2.0)),
        dict(type='RandomResize', scale=(40, 40), keep_ratio=False),
        dict(type='RandomCrop', size=(40, 40)), dict(type='RandomCrop', size=(90, 100))]


@pytest.mark.parametrize('cfg', CFGS, ids=lambda c: c['type'])
@pytest.mark.parametrize('seed', range(5))
def test_seg_maps_and_boxes_stay_aligned(cfg, seed):
    assert_aligned(TRANSFORMS.build(cfg)(box_sample(seed=seed)), tol=2.0)


@pytest.mark.parametrize('cfg', CFGS, ids=lambda c: c['type'])
def test_empty_images_pass(cfg):
    out = TRANSFORMS.build(cfg)(empty_sample())
    assert out['gt_bboxes'].shape == (0, 4) and out['gt_seg_map'].shape == out['img'].shape[:2]


def test_random_resize_is_nearest_for_masks_and_respects_the_ratio():
    sample = box_sample()
    sample['gt_seg_map'][0, 0] = 255
    for seed in range(10):
        sample['rng'] = np.random.default_rng(seed)
        out = RandomResize(scale=(60, 80), ratio_range=(0.5, 2.0))(dict(sample))
        assert set(np.unique(out['gt_seg_map'])) <= {0, 2, 255}
        assert 30 <= out['img'].shape[0] <= 120
        assert out['scale_factor'][0] == pytest.approx(out['img'].shape[1] / 80)


def test_random_crop_pads_small_images_with_ignore():
    out = RandomCrop(size=(90, 100), pad_value=0)(box_sample())
    assert out['img'].shape == (90, 100, 3)
    assert (out['gt_seg_map'][60:] == 255).all() and (out['img'][60:] == 0).all()
    np.testing.assert_array_equal(out['gt_bboxes'][0], [10, 15, 40, 35])


def test_random_resize_rejects_bad_range():
    with pytest.raises(ValueError, match='ratio_range'):
        RandomResize(scale=10, ratio_range=(2, 1))
