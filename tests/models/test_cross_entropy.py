"""cross_entropy against a hand computation and torch's implementation."""
import math

import pytest
import torch
import torch.nn.functional as F

from easycv_like.models.losses import cross_entropy


def test_matches_hand_computation():
    logits = torch.tensor([[0.0, 0.0, math.log(2.0)], [1.0, 1.0, 1.0]])
    target = torch.tensor([2, 0])
    # sample 0: p = (1/4, 1/4, 1/2), -log(1/2); sample 1: uniform, -log(1/3)
    expected = (math.log(2.0) + math.log(3.0)) / 2
    assert cross_entropy(logits, target).item() == pytest.approx(expected, abs=1e-6)


def test_label_smoothing_matches_hand_computation():
    logits = torch.tensor([[0.0, 0.0, math.log(2.0)], [1.0, 1.0, 1.0]])
    target = torch.tensor([2, 0])
    e = 0.3
    uniform0 = (2 * math.log(4.0) + math.log(2.0)) / 3
    sample0 = (1 - e) * math.log(2.0) + e * uniform0
    sample1 = math.log(3.0)
    got = cross_entropy(logits, target, label_smoothing=e).item()
    assert got == pytest.approx((sample0 + sample1) / 2, abs=1e-6)


@pytest.mark.parametrize('smoothing', [0.0, 0.1, 0.5])
def test_matches_torch(smoothing):
    torch.manual_seed(0)
    logits = torch.randn(8, 5) * 3
    target = torch.randint(0, 5, (8,))
    expected = F.cross_entropy(logits, target, label_smoothing=smoothing)
    torch.testing.assert_close(cross_entropy(logits, target, smoothing), expected)


def test_invalid_smoothing_raises():
    with pytest.raises(ValueError):
        cross_entropy(torch.zeros(1, 2), torch.zeros(1, dtype=torch.long), 1.5)
