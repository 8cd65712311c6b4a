"""AutoAugment / RandAugment / TrivialAugmentWide / RandomErasing: torchvision's transforms, with
their randomness a function of the sample's ``rng`` (same rng, same image; torch's global state
untouched), equal to torchvision's own call under the seed drawn from that rng."""
import numpy as np
import pytest
import torch
from torchvision import transforms
from torchvision.transforms import AutoAugmentPolicy, InterpolationMode

from easycv_like.registry import TRANSFORMS

IMG = np.random.default_rng(0).integers(0, 256, (48, 64, 3), np.uint8)

CASES = {
    'AutoAugment': (dict(type='AutoAugment', policy='imagenet', interpolation='bilinear'),
                    transforms.AutoAugment(AutoAugmentPolicy.IMAGENET,
                                           InterpolationMode.BILINEAR)),
    'RandAugment': (dict(type='RandAugment', num_ops=3, magnitude=12),
                    transforms.RandAugment(3, 12)),
    'TrivialAugmentWide': (dict(type='TrivialAugmentWide'), transforms.TrivialAugmentWide()),
    'RandomErasing': (dict(type='RandomErasing', prob=1.0, value=(124, 116, 104)),
                      transforms.RandomErasing(p=1.0, value=(124, 116, 104))),
}


def _ours(cfg, seed):
    return TRANSFORMS.build(cfg)(dict(img=IMG.copy(), rng=np.random.default_rng(seed)))['img']


def _theirs(reference, seed):
    torch.manual_seed(int(np.random.default_rng(seed).integers(2 ** 63 - 1)))
    return reference(torch.from_numpy(IMG).permute(2, 0, 1)).permute(1, 2, 0).numpy()


@pytest.mark.parametrize('name', sorted(CASES))
def test_equal_to_torchvision_and_a_function_of_the_sample_rng(name):
    cfg, reference = CASES[name]
    before = torch.random.get_rng_state()
    outputs = [_ours(cfg, seed) for seed in range(6)]
    assert torch.equal(torch.random.get_rng_state(), before)  # global torch state untouched
    for seed, out in enumerate(outputs):
        assert out.shape == IMG.shape and out.dtype == np.uint8 and out.flags.c_contiguous
        np.testing.assert_array_equal(out, _theirs(reference, seed))
    np.testing.assert_array_equal(_ours(cfg, 3), outputs[3])  # same rng, same image
    assert sum(not np.array_equal(out, IMG) for out in outputs) >= 4  # it does augment
    assert len({out.tobytes() for out in outputs}) >= 4  # and differently per sample


def test_random_erasing_fills_one_rectangle_with_the_mean_colour():
    out = _ours(dict(type='RandomErasing', prob=1.0, scale=(0.1, 0.1), ratio=(1.0, 1.0)), 5)
    erased = (out != IMG).any(-1)
    rows, cols = np.nonzero(erased)
    box = erased[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    assert box.all() and abs(box.size - 0.1 * 48 * 64) <= 56  # one ~10 % square
    assert (out[erased] == [124, 116, 104]).all()
    np.testing.assert_array_equal(_ours(dict(type='RandomErasing', prob=0.0), 5), IMG)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match=r"policy 'imagenet1k'.*'imagenet', 'cifar10', 'svhn'"):
        TRANSFORMS.build(dict(type='AutoAugment', policy='imagenet1k'))
    with pytest.raises(ValueError, match="interpolation 'linear'"):
        TRANSFORMS.build(dict(type='RandAugment', interpolation='linear'))
    with pytest.raises(ValueError, match='0-255 integers'):
        TRANSFORMS.build(dict(type='RandomErasing', value=0.5))
