import cv2
import numpy as np
import pytest

from easycv_like.data.transforms import ColorJitter, GaussianBlur, RandomGrayscale
from easycv_like.registry import TRANSFORMS

from .image_files import random_image


def _run(transform, img, seed=0):
    return transform({'img': img, 'rng': np.random.default_rng(seed)})['img']


def test_color_jitter_all_zero_is_identity():
    img = random_image(0)
    out = _run(TRANSFORMS.build(dict(type='ColorJitter')), img)
    np.testing.assert_array_equal(out, img)
    assert all(factor_range is None for _, factor_range in ColorJitter(0, 0, 0, 0).ranges)


def test_brightness_scales_and_saturates():
    img = random_image(1)
    expected = np.clip(img.astype(np.int32) * 2, 0, 255).astype(np.uint8)
    np.testing.assert_array_equal(_run(ColorJitter(brightness=(2.0, 2.0)), img), expected)


def test_zero_contrast_gives_the_mean_grey_everywhere():
    img = random_image(2)
    out = _run(ColorJitter(contrast=(0.0, 0.0)), img)
    mean = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY).mean()
    assert (out == int(mean)).all()


def test_zero_saturation_gives_grey():
    img = random_image(3)
    out = _run(ColorJitter(saturation=(0.0, 0.0)), img)
    np.testing.assert_array_equal(out[..., 0], cv2.cvtColor(img, cv2.COLOR_RGB2GRAY))
    assert (out[..., 0] == out[..., 1]).all() and (out[..., 1] == out[..., 2]).all()


@pytest.mark.parametrize('shift, expected', [(0.5, [0, 255, 255]), (1 / 3, [0, 255, 0]),
                                             (-1 / 3, [0, 0, 255])])
def test_hue_rotates_pure_red(shift, expected):
    red = np.zeros((2, 3, 3), dtype=np.uint8)
    red[..., 0] = 255
    out = _run(ColorJitter(hue=(shift, shift)), red)
    assert (out == np.array(expected, dtype=np.uint8)).all()


def test_color_jitter_is_a_function_of_the_rng_and_respects_prob():
    img, jitter = random_image(4), ColorJitter(0.4, 0.4, 0.4, 0.1)
    np.testing.assert_array_equal(_run(jitter, img, 1), _run(jitter, img, 1))
    assert not np.array_equal(_run(jitter, img, 1), _run(jitter, img, 2))
    np.testing.assert_array_equal(_run(ColorJitter(0.4, 0.4, 0.4, 0.1, prob=0.0), img), img)


@pytest.mark.parametrize('kwargs', [dict(hue=0.6), dict(brightness=-0.1),
                                    dict(contrast=(1.5, 0.5)), dict(saturation=(-1.0, 1.0))])
def test_color_jitter_rejects_bad_strengths(kwargs):
    with pytest.raises(ValueError, match='ColorJitter'):
        ColorJitter(**kwargs)


def test_random_grayscale():
    img = random_image(5)
    out = _run(RandomGrayscale(prob=1.0), img)
    assert out.shape == img.shape and out.dtype == np.uint8
    assert (out[..., 0] == out[..., 1]).all() and (out[..., 1] == out[..., 2]).all()
    np.testing.assert_array_equal(out[..., 0], cv2.cvtColor(img, cv2.COLOR_RGB2GRAY))
    np.testing.assert_array_equal(_run(RandomGrayscale(prob=0.0), img), img)


def test_gaussian_blur_uses_a_kernel_derived_from_the_drawn_sigma():
    img = random_image(6, 32, 32)
    out = _run(GaussianBlur(prob=1.0), img, seed=5)
    rng = np.random.default_rng(5)
    rng.random()  # the apply-or-not draw
    sigma = rng.uniform(0.1, 2.0)
    ksize = 2 * int(np.ceil(3 * sigma)) + 1
    np.testing.assert_array_equal(out, cv2.GaussianBlur(img, (ksize, ksize), sigma, sigmaY=sigma))
    assert out.shape == img.shape and out.dtype == np.uint8
    assert out.astype(float).std() < img.astype(float).std()


def test_gaussian_blur_prob_zero_and_constant_image():
    img = random_image(7)
    np.testing.assert_array_equal(_run(GaussianBlur(prob=0.0), img), img)
    flat = np.full((16, 16, 3), 90, dtype=np.uint8)
    np.testing.assert_array_equal(_run(GaussianBlur(1.0, 2.0, prob=1.0), flat), flat)
    with pytest.raises(ValueError, match='sigma'):
        GaussianBlur(sigma_min=2.0, sigma_max=1.0)
