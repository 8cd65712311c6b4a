"""BatchNormNeck: pooled features standardised per channel, nothing to train."""
import pytest
import torch

from easycv_like.models.necks import BatchNormNeck


def test_standardises_pooled_features_whatever_their_scale():
    neck = BatchNormNeck(in_channels=3)
    assert not list(neck.parameters())
    torch.manual_seed(0)
    maps = torch.randn(8, 3, 2, 2) * 500 + 40
    out, = neck((maps,))
    pooled = maps.mean(dim=(2, 3))
    expect = (pooled - pooled.mean(0)) / torch.sqrt(pooled.var(0, unbiased=False) + 1e-6)
    assert out.shape == (8, 3)
    assert torch.allclose(out, expect, atol=1e-4)
    neck.eval()
    assert torch.allclose(neck((pooled,))[0], (pooled - neck.bn.running_mean)
                          / torch.sqrt(neck.bn.running_var + 1e-6), atol=1e-4)


def test_rejects_other_shapes():
    with pytest.raises(ValueError, match='N x C'):
        BatchNormNeck(in_channels=3)((torch.zeros(2, 3, 4),))
