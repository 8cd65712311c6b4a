"""RandomAppliedTrans: all inner transforms in order, or none; the coin is drawn from the rng."""
import numpy as np
import pytest

from easycv_like.data.transforms import RandomAppliedTrans
from easycv_like.registry import TRANSFORMS


def _recorder(name, log):
    def transform(results):
        log.append(name)
        results['img'] = results['img'] + 1
        return results
    return transform


def test_applies_all_in_order_or_none():
    log = []
    both = RandomAppliedTrans([_recorder('a', log), _recorder('b', log)], prob=1.0)
    out = both(dict(img=np.zeros((2, 2, 3), np.uint8), rng=np.random.default_rng(0)))
    assert log == ['a', 'b'] and (out['img'] == 2).all()
    log.clear()
    none = RandomAppliedTrans([_recorder('a', log)], prob=0.0)
    assert (none(dict(img=np.zeros((2, 2, 3), np.uint8)))['img'] == 0).all() and log == []


def test_builds_configs_and_follows_the_rng():
    trans = TRANSFORMS.build(dict(type='RandomAppliedTrans', prob=0.8, transforms=[
        dict(type='Solarization', threshold=0, prob=1.0)]))
    img = np.full((1, 1, 3), 10, np.uint8)
    applied = [trans(dict(img=img, rng=np.random.default_rng(s)))['img'][0, 0, 0] == 245
               for s in range(500)]
    expected = [np.random.default_rng(s).random() < 0.8 for s in range(500)]
    assert applied == expected and 350 < sum(applied) < 450
    with pytest.raises(ValueError, match='prob'):
        RandomAppliedTrans([], prob=1.5)
