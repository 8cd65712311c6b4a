"""pixel_cross_entropy: ignored pixels count in neither sum nor mean; bad labels are errors."""
import math

import pytest
import torch

from easycv_like.models.losses import pixel_cross_entropy


def test_equals_hand_computation_over_labelled_pixels_only():
    logits = torch.zeros(1, 2, 1, 3)
    logits[0, 1, 0, 0] = math.log(3.0)  # pixel 0: p(class 1) = 3 / 4
    target = torch.tensor([[[1, 0, 255]]])
    logits[0, 1, 0, 2] = 5.0  # pixel 2 is ignored: it would add -log(1 / (1 + e^5))
    expected = (-math.log(0.75) - math.log(0.5)) / 2  # pixel 1: p(class 0) = 1 / 2
    assert pixel_cross_entropy(logits, target).item() == pytest.approx(expected, rel=1e-6)


def test_ignored_pixels_do_not_change_the_loss_whatever_their_logits():
    torch.manual_seed(0)
    logits = torch.randn(2, 3, 4, 4)
    target = torch.randint(0, 3, (2, 4, 4))
    target[:, :2] = 255
    changed = logits.clone()
    changed[:, :, :2] = 100 * torch.randn(2, 3, 2, 4)
    assert torch.equal(pixel_cross_entropy(logits, target), pixel_cross_entropy(changed, target))


def test_all_ignored_is_zero_with_a_gradient():
    logits = torch.randn(1, 3, 2, 2, requires_grad=True)
    loss = pixel_cross_entropy(logits, torch.full((1, 2, 2), 255))
    loss.backward()
    assert loss.item() == 0.0 and torch.equal(logits.grad, torch.zeros_like(logits))


def test_label_past_num_classes_is_an_error():
    with pytest.raises(ValueError, match=r'labels \[7\] are outside 0..2'):
        pixel_cross_entropy(torch.zeros(1, 3, 1, 2), torch.tensor([[[7, 255]]]))
    with pytest.raises(ValueError, match='N x K x H x W'):
        pixel_cross_entropy(torch.zeros(1, 3, 2, 2), torch.zeros(1, 3, 3, dtype=torch.long))
