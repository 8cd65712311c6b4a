"""info_nce and ContrastiveHead against a hand computation."""
import math

import pytest
import torch

from easycv_like.models.losses import info_nce
from easycv_like.registry import MODELS


def test_info_nce_matches_hand_computation():
    pos = torch.tensor([[0.5], [-0.2]])
    neg = torch.tensor([[0.1, 0.3, -0.4], [0.6, 0.0, 0.2]])
    t = 0.5
    expected = 0.0
    for p, ns in zip(pos[:, 0].tolist(), neg.tolist()):
        denom = math.exp(p / t) + sum(math.exp(n / t) for n in ns)
        expected += -math.log(math.exp(p / t) / denom) / 2
    assert info_nce(pos, neg, t).item() == pytest.approx(expected, rel=1e-6)


def test_chance_level_and_gradient():
    pos = torch.zeros(4, 1, requires_grad=True)
    loss = info_nce(pos, torch.zeros(4, 7), 0.2)
    assert loss.item() == pytest.approx(math.log(8))
    loss.backward()
    assert (pos.grad < 0).all()  # raising the positive similarity lowers the loss


def test_shapes_are_checked_and_head_wraps_loss():
    with pytest.raises(ValueError, match='N x 1'):
        info_nce(torch.zeros(4), torch.zeros(4, 3), 0.2)
    head = MODELS.build(dict(type='ContrastiveHead', temperature=0.3))
    pos, neg = torch.randn(3, 1), torch.randn(3, 5)
    out = head(pos, neg)
    assert set(out) == {'loss'}
    assert torch.allclose(out['loss'], info_nce(pos, neg, 0.3))
