"""CSPDarknet: strides, widths, depth, depthwise option, out_indices and BatchNorm settings."""
import pytest
import torch
from torch import nn

from easycv_like.models.backbones import CSPDarknet
from easycv_like.models.backbones.csp_layers import DepthwiseSeparableConv
from easycv_like.registry import MODELS


def test_default_outputs_are_strides_8_16_32_with_scaled_widths():
    net = MODELS.build(dict(type='CSPDarknet', deepen_factor=0.33, widen_factor=0.125)).eval()
    feats = net(torch.zeros(2, 3, 64, 96))
    assert [tuple(f.shape) for f in feats] == [(2, 32, 8, 12), (2, 64, 4, 6), (2, 128, 2, 3)]
    assert net.out_channels == [32, 64, 128]
    assert net.pool(feats).shape == (2, 128)


def test_out_indices_select_stages_in_order():
    net = CSPDarknet(0.33, 0.125, out_indices=(0, 1, 4)).eval()
    feats = net(torch.zeros(1, 3, 32, 32))
    assert [tuple(f.shape) for f in feats] == [(1, 8, 16, 16), (1, 16, 8, 8), (1, 128, 1, 1)]
    assert net.out_channels == [8, 16, 128]
    with pytest.raises(ValueError, match='out_indices must be a non-empty subset of 0..4'):
        CSPDarknet(out_indices=(5,))
    with pytest.raises(ValueError, match='deepen_factor and widen_factor must be > 0'):
        CSPDarknet(widen_factor=0)


@pytest.mark.parametrize('deepen, blocks', [(0.33, (1, 3, 3, 1)), (0.67, (2, 6, 6, 2)),
                                            (1.33, (4, 12, 12, 4)), (0.1, (1, 3, 3, 1))])
def test_csp_depths_follow_megvii(deepen, blocks):
    with torch.device('meta'):
        net = CSPDarknet(deepen, 0.125)
    assert tuple(len(getattr(net, f'dark{i}')[-1].m) for i in range(2, 6)) == blocks
    assert not net.dark5[-1].m[0].use_add  # the last CSP layer has no shortcut


def test_spp_sits_in_the_last_stage_with_its_kernel_sizes():
    net = CSPDarknet(0.33, 0.125, spp_kernel_sizes=(3, 7))
    assert [m.kernel_size for m in net.dark5[1].m] == [3, 7]


def test_depthwise_and_activation_and_batch_norm_options():
    net = CSPDarknet(0.33, 0.25, depthwise=True, act='relu', norm_eps=1e-4, norm_momentum=0.1)
    assert isinstance(net.dark2[0], DepthwiseSeparableConv)
    assert isinstance(net.dark3[1].m[0].conv2, DepthwiseSeparableConv)
    assert not isinstance(net.stem.conv, DepthwiseSeparableConv)  # the Focus conv stays plain
    assert any(isinstance(m, nn.ReLU) for m in net.modules())
    assert not any(isinstance(m, nn.SiLU) for m in net.modules())
    norms = [m for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
    assert norms and all(m.eps == 1e-4 and m.momentum == 0.1 for m in norms)
    default = [m for m in CSPDarknet(0.33, 0.125).modules() if isinstance(m, nn.BatchNorm2d)]
    assert all(m.eps == 1e-3 and m.momentum == 0.03 for m in default)
