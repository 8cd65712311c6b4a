import numpy as np
import pytest

from easycv_like.data.transforms import PhotoMetricDistortion, RandomHSV
from easycv_like.data.transforms.photometric import shift_hsv

from .dense_samples import box_sample, empty_sample


def test_shift_hsv_value_brightens_and_hue_wraps():
    img = np.full((4, 4, 3), (100, 50, 50), np.uint8)
    brighter = shift_hsv(img, 0, 0, 40)
    assert brighter[..., 0].mean() == pytest.approx(140, abs=1)
    assert np.array_equal(shift_hsv(img, 180, 0, 0), img)  # a full turn of hue


@pytest.mark.parametrize('transform', [RandomHSV(), PhotoMetricDistortion()])
def test_colour_transforms_keep_targets_and_work_on_any_sample(transform):
    for make in (box_sample, empty_sample):
        sample = make(seed=3)
        boxes, seg = sample['gt_bboxes'].copy(), sample['gt_seg_map'].copy()
        out = transform(sample)
        assert out['img'].dtype == np.uint8 and out['img'].shape == seg.shape + (3,)
        np.testing.assert_array_equal(out['gt_bboxes'], boxes)
        np.testing.assert_array_equal(out['gt_seg_map'], seg)
    plain = {'img': np.full((8, 8, 3), 128, np.uint8), 'rng': np.random.default_rng(0)}
    assert transform(plain)['img'].shape == (8, 8, 3)


def test_colour_transforms_are_functions_of_the_rng():
    img = box_sample()['img']
    for transform in (RandomHSV(), PhotoMetricDistortion()):
        a = transform({'img': img.copy(), 'rng': np.random.default_rng(5)})['img']
        b = transform({'img': img.copy(), 'rng': np.random.default_rng(5)})['img']
        assert np.array_equal(a, b)
    changed = [not np.array_equal(
        RandomHSV()({'img': img.copy(), 'rng': np.random.default_rng(s)})['img'], img)
        for s in range(5)]
    assert all(changed)
