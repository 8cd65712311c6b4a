"""LRASPPHead: output at the low map's stride; the high branch is gated and upsampled."""
import pytest
import torch

from easycv_like.models.segmentation import LRASPPHead


def test_logits_at_the_low_maps_stride():
    head = LRASPPHead(in_channels=(4, 8), num_classes=3, channels=6).eval()
    low, high = torch.randn(2, 4, 12, 16), torch.randn(2, 8, 6, 8)  # strides 8 and 16
    assert head((low, high)).shape == (2, 3, 12, 16)
    assert head.high_branch[0].out_channels == 6 and head.gate[1].out_channels == 6


def test_default_width_is_128_and_logits_sum_both_classifiers():
    head = LRASPPHead(in_channels=(4, 8), num_classes=3).eval()
    assert head.high_branch[0].out_channels == 128
    low, high = torch.randn(1, 4, 4, 4), torch.randn(1, 8, 4, 4)
    with torch.no_grad():
        gated = head.high_branch(high) * torch.sigmoid(head.gate[1](high.mean((2, 3), True)))
        expected = head.low_classifier(low) + head.high_classifier(gated)
        assert torch.allclose(head((low, high)), expected, atol=1e-6)


def test_reads_exactly_two_maps():
    with pytest.raises(ValueError, match=r'\(low, high\) pairs'):
        LRASPPHead(in_channels=(4, 8, 16), num_classes=3)
