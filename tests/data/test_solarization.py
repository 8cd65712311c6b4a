"""Solarization: values at and above the threshold are inverted, with probability prob."""
import numpy as np

from easycv_like.registry import TRANSFORMS


def _img():
    return np.array([[[0, 127, 128], [200, 255, 10]]], dtype=np.uint8)  # 1 x 2 x 3


def test_inverts_values_at_or_above_threshold():
    out = TRANSFORMS.build(dict(type='Solarization', threshold=128, prob=1.0))(
        dict(img=_img(), rng=np.random.default_rng(0)))['img']
    assert out.dtype == np.uint8
    assert out.tolist() == [[[0, 127, 127], [55, 0, 10]]]


def test_probability_zero_and_rate():
    solarize = TRANSFORMS.build(dict(type='Solarization', prob=0.0))
    assert (solarize(dict(img=_img()))['img'] == _img()).all()
    solarize = TRANSFORMS.build(dict(type='Solarization', prob=0.2))
    hits = sum(int(solarize(dict(img=_img(), rng=np.random.default_rng(s)))['img'][0, 1, 0] != 200)
               for s in range(1000))
    assert 150 < hits < 250
