import numpy as np
import pytest

from easycv_like.data.transforms import (CenterCrop, RandomHorizontalFlip, RandomResizedCrop,
                                         Resize)
from easycv_like.errors import ConfigError
from easycv_like.registry import TRANSFORMS

from .dense_samples import assert_aligned, box_sample, empty_sample
from .image_files import random_image


def _run(transform, img, seed=0):
    return transform({'img': img, 'rng': np.random.default_rng(seed)})['img']


@pytest.mark.parametrize('size, expected', [(16, (16, 16)), ((12, 20), (12, 20))])
def test_random_resized_crop_output_size(size, expected):
    transform = TRANSFORMS.build(dict(type='RandomResizedCrop', size=size))
    for seed in range(20):
        out = _run(transform, random_image(seed, 30, 50), seed)
        assert out.shape == expected + (3,) and out.dtype == np.uint8


def test_random_resized_crop_box_respects_scale_and_ratio():
    transform = RandomResizedCrop(8, scale=(0.25, 0.5), ratio=(0.5, 2.0))
    rng = np.random.default_rng(0)
    for _ in range(200):
        top, left, h, w = transform.crop_box(100, 120, rng)
        assert 0 <= top <= 100 - h and 0 <= left <= 120 - w
        assert 0.24 <= h * w / 12000 <= 0.51 and 0.45 <= w / h <= 2.2


def test_random_resized_crop_fallback_is_a_clamped_centre_crop():
    # No crop of area >= 90% with ratio in [4, 5] fits a square, so the fallback is used.
    transform = RandomResizedCrop(4, scale=(0.9, 1.0), ratio=(4.0, 5.0))
    assert transform.crop_box(40, 40, np.random.default_rng(0)) == (15, 0, 10, 40)


def test_full_crop_is_identity():
    img = random_image(5)
    out = _run(RandomResizedCrop((20, 24), scale=(1.0, 1.0), ratio=(1.2, 1.2)), img)
    np.testing.assert_array_equal(out, img)


def test_random_resized_crop_is_a_function_of_the_rng():
    img, transform = random_image(7, 40, 40), RandomResizedCrop(16)
    np.testing.assert_array_equal(_run(transform, img, 3), _run(transform, img, 3))
    assert not np.array_equal(_run(transform, img, 3), _run(transform, img, 4))


@pytest.mark.parametrize('size, shape', [(10, (10, 12)), ((7, 9), (7, 9))])
def test_resize(size, shape):
    assert _run(Resize(size), random_image(0, 20, 24)).shape == shape + (3,)
    assert _run(Resize(10), random_image(0, 24, 20)).shape == (12, 10, 3)


def test_resize_constant_image_stays_constant():
    img = np.full((9, 13, 3), (10, 200, 77), dtype=np.uint8)
    out = _run(Resize(4, interpolation='bicubic'), img)
    assert (out == np.array([10, 200, 77], dtype=np.uint8)).all()


def test_center_crop_values_and_padding():
    img = random_image(1, 10, 12)
    np.testing.assert_array_equal(_run(CenterCrop((4, 6)), img), img[3:7, 3:9])
    padded = _run(CenterCrop(14), img)
    assert padded.shape == (14, 14, 3)
    np.testing.assert_array_equal(padded[2:12, 1:13], img)
    assert padded[:2].sum() == 0 and padded[:, :1].sum() == 0


def test_flip():
    img = random_image(2)
    np.testing.assert_array_equal(_run(RandomHorizontalFlip(prob=1.0), img), np.fliplr(img))
    np.testing.assert_array_equal(_run(RandomHorizontalFlip(prob=0.0), img), img)
    flipped = [not np.array_equal(_run(RandomHorizontalFlip(), img, s), img) for s in range(200)]
    assert 70 < sum(flipped) < 130


def test_unknown_interpolation():
    with pytest.raises(ValueError, match='bilinear'):
        Resize(8, interpolation='linear')


@pytest.mark.parametrize('build,message', [
    (lambda: RandomResizedCrop(-3), 'RandomResizedCrop.size must be a positive int or (h, w) of '
                                    'positive ints, got -3.'),
    (lambda: RandomResizedCrop((8, 0)), 'RandomResizedCrop.size must be a positive int or (h, w) '
                                        'of positive ints, got (8, 0).'),
    (lambda: RandomResizedCrop(8, scale=(1.0, 0.5)),
     'RandomResizedCrop.scale must be (low, high) with 0 < low <= high, got (1.0, 0.5).'),
    (lambda: RandomResizedCrop(8, ratio=(0, 1)),
     'RandomResizedCrop.ratio must be (low, high) with 0 < low <= high, got (0, 1).'),
    (lambda: Resize(0), 'Resize.size must be a positive int or (h, w) of positive ints, got 0.'),
])
def test_bad_sizes_and_ranges_are_config_errors_when_built(build, message):
    """Refused when the pipeline is built, not in numpy / OpenCV at the first sample."""
    with pytest.raises(ConfigError) as err:
        build()
    assert str(err.value) == message
    assert RandomResizedCrop(np.int64(8)).size == (8, 8)  # numpy integers are sizes too


GEOMETRY_CFGS = [dict(type='Resize', size=(30, 50)), dict(type='Resize', size=40),
                 dict(type='RandomHorizontalFlip', prob=1.0), dict(type='CenterCrop', size=50),
                 dict(type='CenterCrop', size=(100, 90)),
                 dict(type='RandomResizedCrop', size=48, scale=(0.3, 1.0))]


@pytest.mark.parametrize('cfg', GEOMETRY_CFGS, ids=lambda c: c['type'])
@pytest.mark.parametrize('seed', range(5))
def test_boxes_and_seg_maps_follow_the_pixels(cfg, seed):
    assert_aligned(TRANSFORMS.build(cfg)(box_sample(seed=seed)), tol=2.0)


@pytest.mark.parametrize('cfg', GEOMETRY_CFGS, ids=lambda c: c['type'])
def test_empty_dense_samples_pass(cfg):
    out = TRANSFORMS.build(cfg)(empty_sample())
    assert out['gt_bboxes'].shape == (0, 4) and out['gt_seg_map'].shape == out['img'].shape[:2]


def test_resize_and_flip_record_the_geometry():
    out = Resize((30, 160))(box_sample(height=60, width=80))
    assert out['scale_factor'] == pytest.approx((2.0, 0.5)) and out['img_shape'] == (30, 160)
    np.testing.assert_allclose(out['gt_bboxes'][0], [20, 7.5, 80, 17.5])
    out = Resize((60, 80))(out)  # cumulative
    assert out['scale_factor'] == pytest.approx((1.0, 1.0))
    flipped = RandomHorizontalFlip(prob=1.0)(box_sample())
    assert flipped['flip'] is True and flipped['flip_direction'] == 'horizontal'
    np.testing.assert_array_equal(flipped['gt_bboxes'][0], [40, 15, 70, 35])
    assert RandomHorizontalFlip(prob=0.0)(box_sample())['flip'] is False


@pytest.mark.parametrize('cls, kwargs', [(RandomHorizontalFlip, {}), (Resize, dict(size=20)),
                                         (CenterCrop, dict(size=20)),
                                         (RandomResizedCrop, dict(size=20))])
def test_targets_they_cannot_move_raise(cls, kwargs):
    sample = box_sample()
    sample['gt_keypoints'] = np.zeros((1, 17, 3), np.float32)
    with pytest.raises(ValueError, match='gt_keypoints'):
        cls(**kwargs)(sample)
    unloaded = box_sample()
    unloaded.pop('gt_seg_map')
    unloaded['seg_map_path'] = 'mask.png'
    with pytest.raises(ValueError, match='LoadSegMap'):
        cls(**kwargs)(unloaded)
