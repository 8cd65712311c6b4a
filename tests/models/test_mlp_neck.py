"""MLPNeck: layer layout of the MoCo v2 / SimCLR variants, pooling, output tuple."""
import pytest
import torch
from torch import nn

from easycv_like.errors import ConfigError
from easycv_like.models.necks import MLPNeck
from easycv_like.registry import MODELS


def _kinds(neck):
    return [type(m).__name__ for m in neck.mlp]


def test_mocov2_layout_and_output_tuple():
    neck = MODELS.build(dict(type='MLPNeck', in_channels=8, hid_channels=6, out_channels=4,
                             with_bn=False, with_bias=True))
    assert _kinds(neck) == ['Linear', 'ReLU', 'Linear']
    assert neck.mlp[0].bias is not None
    out = neck((torch.randn(3, 5, 2, 2), torch.randn(3, 8, 2, 2)))  # uses the last map
    assert isinstance(out, tuple) and len(out) == 1 and out[0].shape == (3, 4)


def test_bn_layers_and_depth():
    neck = MLPNeck(8, 6, 4, num_layers=3, with_last_bn=True)
    assert _kinds(neck) == ['Linear', 'BatchNorm1d', 'ReLU', 'Linear', 'BatchNorm1d', 'ReLU',
                            'Linear', 'BatchNorm1d']
    assert neck.mlp[0].bias is None
    assert _kinds(MLPNeck(8, 6, 4, num_layers=1)) == ['Linear']
    with pytest.raises(ValueError, match='num_layers'):
        MLPNeck(8, 6, 4, num_layers=0)


def test_values_pool_then_project():
    neck = MLPNeck(3, 5, 2, num_layers=1, with_bias=True).eval()
    x = torch.randn(2, 3, 4, 4)
    expected = nn.functional.linear(x.mean(dim=(2, 3)), neck.mlp[0].weight, neck.mlp[0].bias)
    assert torch.allclose(neck((x,))[0], expected, atol=1e-6)
    flat = MLPNeck(3, 5, 2, num_layers=1, with_avg_pool=False)
    assert flat((torch.randn(2, 3),))[0].shape == (2, 2)  # a ViT class token: N x C


@pytest.mark.parametrize('norm', ['BN1d', 'SyncBN'])
def test_one_row_through_batch_norm_names_the_batch_size(norm):
    """BYOL/MoBY at data.imgs_per_gpu=1 used to stop in torch with 'Expected more than 1 value
    per channel', naming no config key."""
    neck = MLPNeck(8, 6, 4, norm_cfg=dict(type=norm)).train()
    with pytest.raises(ValueError, match='at least 2 rows per process .* data.imgs_per_gpu'):
        neck((torch.randn(1, 8, 2, 2),))
    assert neck((torch.randn(2, 8, 2, 2),))[0].shape == (2, 4)
    assert neck.eval()((torch.randn(1, 8, 2, 2),))[0].shape == (1, 4)  # eval: running stats
    assert MLPNeck(8, 6, 4, with_bn=False).train()((torch.randn(1, 8),))[0].shape == (1, 4)


@pytest.mark.parametrize('norm', ['BN', 'BN2d'])
def test_an_image_map_norm_is_refused_naming_bn1d(norm):
    """mmcv's 'BN' is BatchNorm2d: it crashed at the first step with "expected 4D input"."""
    with pytest.raises(ConfigError, match=r"MLPNeck norm_cfg type='BN2?d?' .*use type='BN1d'"):
        MLPNeck(8, 16, 4, norm_cfg=dict(type=norm))
    MLPNeck(8, 16, 4, with_bn=False, norm_cfg=dict(type=norm))  # no norm layer: nothing to refuse
