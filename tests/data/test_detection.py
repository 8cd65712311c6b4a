import numpy as np
import pytest

from easycv_like.data.transforms import (FilterBoxes, Letterbox, Pad, RandomAffine,
                                         RandomIoUCrop, ZoomOut)
from easycv_like.registry import TRANSFORMS

from .dense_samples import assert_aligned, box_sample, empty_sample, red_mask


def _red_extent(img):
    ys, xs = np.nonzero(red_mask(img))
    return [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]

TRANSFORM_CFGS = [
    dict(type='Letterbox', size=64), dict(type='Letterbox', size=(48, 100), center=True),
    dict(type='Pad', size_divisor=32), dict(type='Pad', size=(70, 90)),
    dict(type='RandomAffine'), dict(type='RandomAffine', max_rotate_degree=30,
                                     max_shear_degree=10, border=(-10, -20)),
    dict(type='RandomAffine', max_rotate_degree=0, max_shear_degree=0, max_translate_ratio=0.5),
    dict(type='RandomIoUCrop'), dict(type='ZoomOut', prob=1.0), dict(type='FilterBoxes')]


@pytest.mark.parametrize('cfg', TRANSFORM_CFGS, ids=lambda c: c['type'])
@pytest.mark.parametrize('seed', range(6))
def test_boxes_and_masks_stay_on_their_pixels(cfg, seed):
    rotates = cfg['type'] == 'RandomAffine' and cfg.get('max_rotate_degree') != 0
    sample = box_sample(seed=seed)
    assert_aligned(TRANSFORMS.build(cfg)(sample), filled=not rotates)
    if rotates:  # away from the border the box around a rotated rectangle is still tight
        centred = box_sample(height=100, width=100, box=(40, 45, 60, 55), seed=seed)
        out = TRANSFORMS.build(dict(cfg, border=(0, 0), max_translate_ratio=0))(centred)
        assert_aligned(out, filled=False)
        np.testing.assert_allclose(out['gt_bboxes'][0], _red_extent(out['img']), atol=1.5)


@pytest.mark.parametrize('cfg', TRANSFORM_CFGS, ids=lambda c: c['type'])
def test_empty_images_pass(cfg):
    out = TRANSFORMS.build(cfg)(empty_sample())
    assert out['gt_bboxes'].shape == (0, 4) and out['gt_labels'].shape == (0,)
    assert out['gt_seg_map'].shape == out['img'].shape[:2]


def test_letterbox_records_scale_and_pad():
    sample = box_sample(height=50, width=100, box=(10, 10, 30, 20))
    out = Letterbox(size=(80, 80), center=True, pad_value=114)(sample)
    assert out['img'].shape == (80, 80, 3)
    assert out['scale_factor'] == pytest.approx((0.8, 0.8))
    assert out['pad'] == {'offset': (0, 20), 'shape': (80, 80)}
    np.testing.assert_allclose(out['gt_bboxes'][0], [8, 28, 24, 36])
    assert (out['img'][:20] == 114).all() and (out['gt_seg_map'][:20] == 255).all()
    back = (out['gt_bboxes'][0] - [0, 20, 0, 20]) / 0.8  # the inverse mapping of predictors
    np.testing.assert_allclose(back, [10, 10, 30, 20], atol=1e-4)


def test_pad_to_size_divisor_pads_bottom_right():
    out = Pad(size_divisor=32, pad_value=7)(box_sample(height=60, width=80))
    assert out['img'].shape == (64, 96, 3) and (out['img'][60:] == 7).all()
    assert (out['gt_seg_map'][:, 80:] == 255).all()
    np.testing.assert_array_equal(out['gt_bboxes'][0], [10, 15, 40, 35])
    with pytest.raises(ValueError, match='larger than the pad size'):
        Pad(size=(10, 10))(box_sample())


def test_affine_drops_boxes_moved_out_and_keeps_labels_in_step():
    sample = box_sample()
    sample['gt_bboxes'] = np.array([[10, 15, 40, 35], [0, 0, 2, 2]], np.float32)
    sample['gt_labels'] = np.array([2, 1])
    sample['gt_ignore'] = np.array([False, True])
    out = RandomAffine(max_rotate_degree=0, max_shear_degree=0, scaling_ratio_range=(1, 1),
                       max_translate_ratio=0, border=(-5, -5))(sample)
    assert out['gt_labels'].tolist() == [2] and out['gt_ignore'].tolist() == [False]


def test_iou_crop_keeps_boxes_whose_centre_is_inside():
    crop = RandomIoUCrop(min_ious=(0.0,), min_scale=0.3, max_scale=0.6)
    crop.options = [0.0]  # always crop
    for seed in range(10):
        out = crop(box_sample(seed=seed))
        assert out['img'].shape[0] < 60 and len(out['gt_bboxes']) == 1
        assert_aligned(out)


def test_zoom_out_makes_a_larger_canvas():
    out = ZoomOut(max_ratio=3, prob=1.0, pad_value=0)(box_sample(seed=1))
    assert out['img'].shape[0] > 60 and out['img'].shape[1] > 80
    widths = out['gt_bboxes'][:, 2] - out['gt_bboxes'][:, 0]
    assert widths.tolist() == [30]


def test_filter_boxes_drops_small_ones():
    sample = empty_sample()
    sample.update(gt_bboxes=np.array([[0, 0, 1, 5], [0, 0, 5, 5], [3, 3, 3, 9]], np.float32),
                  gt_labels=np.array([0, 1, 2]), gt_ignore=np.array([True, False, False]))
    out = FilterBoxes(min_size=2)(sample)
    assert out['gt_labels'].tolist() == [1] and out['gt_bboxes'].shape == (1, 4)


@pytest.mark.parametrize('cls', [Letterbox, RandomAffine, ZoomOut])
def test_unmovable_targets_raise(cls):
    sample = box_sample()
    sample['gt_masks'] = np.zeros((1, 60, 80), np.uint8)
    kwargs = dict(size=32) if cls is Letterbox else {}
    with pytest.raises(ValueError, match="gt_masks"):
        cls(**kwargs)(sample)
