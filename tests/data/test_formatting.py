import numpy as np
import pytest
import torch

from easycv_like.data.transforms import PackInputs

from .image_files import random_image


def test_packs_chw_uint8_tensor_and_data_samples():
    img = random_image(0, 5, 7)[:, ::-1]  # a non-contiguous view, as a flip may leave
    packed = PackInputs()({'img': img, 'gt_label': np.int64(3), 'sample_idx': 11,
                           'img_path': '/x/a.png', 'rng': np.random.default_rng(0)})
    assert set(packed) == {'inputs', 'data_samples'}
    inputs = packed['inputs']
    assert inputs.dtype == torch.uint8 and inputs.shape == (3, 5, 7) and inputs.is_contiguous()
    np.testing.assert_array_equal(inputs.numpy(), img.transpose(2, 0, 1))
    assert packed['data_samples'] == {'gt_label': 3, 'sample_idx': 11, 'img_path': '/x/a.png'}
    assert type(packed['data_samples']['gt_label']) is int


def test_defaults_grey_and_multi_view():
    packed = PackInputs()({'img': random_image(1)[..., 0], 'sample_idx': 0})
    assert packed['inputs'].shape == (1, 20, 24)
    assert packed['data_samples'] == {'gt_label': -1, 'sample_idx': 0, 'img_path': ''}
    views = [random_image(2, 8, 8), random_image(3, 4, 4)]
    packed = PackInputs()({'img': views, 'gt_label': None, 'sample_idx': 1, 'img_path': None})
    assert [tuple(v.shape) for v in packed['inputs']] == [(3, 8, 8), (3, 4, 4)]
    assert packed['data_samples']['gt_label'] == -1 and packed['data_samples']['img_path'] == ''


def test_rejects_normalised_images():
    with pytest.raises(TypeError, match='uint8'):
        PackInputs()({'img': np.zeros((4, 4, 3), dtype=np.float32)})
