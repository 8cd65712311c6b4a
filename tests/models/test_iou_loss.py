"""iou_loss / IoULoss against hand computations and Megvii's 1 - IoU^2 convention."""
import pytest
import torch

from easycv_like.models.losses.iou_loss import IoULoss, aligned_box_iou, iou_loss
from easycv_like.registry import MODELS

# pair 0: [0, 10]^2 vs [5, 15] x [0, 10]: inter 50, union 150 -> IoU 1/3; enclosing 150 -> GIoU 1/3
# pair 1: [0, 2]^2 vs [4, 6] x [0, 2]: disjoint -> IoU 0; enclosing 6 x 2 = 12, union 8
#         -> GIoU 0 - (12 - 8) / 12 = -1/3
PRED = torch.tensor([[0., 0, 10, 10], [0, 0, 2, 2]])
TARGET = torch.tensor([[5., 0, 15, 10], [4, 0, 6, 2]])


def test_aligned_iou_by_hand():
    torch.testing.assert_close(aligned_box_iou(PRED, TARGET), torch.tensor([1 / 3, 0.0]))


def test_iou_mode_is_one_minus_iou_squared():
    torch.testing.assert_close(iou_loss(PRED, TARGET), torch.tensor([1 - 1 / 9, 1.0]))


def test_giou_mode_by_hand():
    torch.testing.assert_close(iou_loss(PRED, TARGET, mode='giou'),
                               torch.tensor([1 - 1 / 3, 1 + 1 / 3]))


@pytest.mark.parametrize('reduction,expected', [('sum', 1 - 1 / 9 + 1.0),
                                                ('mean', (1 - 1 / 9 + 1.0) / 2)])
def test_reductions(reduction, expected):
    assert iou_loss(PRED, TARGET, reduction=reduction).item() == pytest.approx(expected)


def test_registered_module_weights_and_reduces():
    loss = MODELS.build(dict(type='IoULoss', mode='giou', reduction='sum', loss_weight=2.0))
    assert isinstance(loss, IoULoss)
    assert loss(PRED, TARGET).item() == pytest.approx(2 * (2 / 3 + 4 / 3))


def test_gradient_flows_to_predictions():
    pred = PRED.clone().requires_grad_()
    iou_loss(pred, TARGET, reduction='sum').backward()
    assert pred.grad[0].abs().sum() > 0


def test_empty_input_sums_to_zero():
    assert iou_loss(torch.zeros(0, 4), torch.zeros(0, 4), reduction='sum').item() == 0.0


@pytest.mark.parametrize('kwargs,match', [(dict(mode='diou'), 'mode'),
                                          (dict(reduction='avg'), 'reduction')])
def test_bad_options_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        iou_loss(PRED, TARGET, **kwargs)
    with pytest.raises(ValueError, match=match):
        IoULoss(**kwargs)


def test_mismatched_shapes_raise():
    with pytest.raises(ValueError, match='N x 4'):
        iou_loss(PRED, TARGET[:1])
