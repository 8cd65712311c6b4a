"""YOLOXHead: raw per-level maps, prior biases, branch widths and argument checks."""
import math

import pytest
import torch

from easycv_like.errors import ConfigError
from easycv_like.models.backbones.csp_layers import DepthwiseSeparableConv
from easycv_like.registry import MODELS


def _feats(batch=2, widths=(32, 64, 128), sizes=(8, 4, 2)):
    return [torch.randn(batch, c, s, s + 1) for c, s in zip(widths, sizes)]


def test_outputs_are_three_lists_of_raw_maps():
    head = MODELS.build(dict(type='YOLOXHead', num_classes=5, widen_factor=0.125)).eval()
    cls_scores, bbox_preds, objectnesses = head(_feats())
    assert [tuple(m.shape) for m in cls_scores] == [(2, 5, 8, 9), (2, 5, 4, 5), (2, 5, 2, 3)]
    assert [tuple(m.shape) for m in bbox_preds] == [(2, 4, 8, 9), (2, 4, 4, 5), (2, 4, 2, 3)]
    assert [tuple(m.shape) for m in objectnesses] == [(2, 1, 8, 9), (2, 1, 4, 5), (2, 1, 2, 3)]
    assert (cls_scores[0] < 0).any()  # logits: no sigmoid applied
    assert head.num_classes == 5 and head.strides == (8, 16, 32)


def test_class_and_objectness_biases_start_at_prior_probability_one_percent():
    head = MODELS.build(dict(type='YOLOXHead', num_classes=3, widen_factor=0.125))
    expected = -math.log(0.99 / 0.01)
    for conv in [*head.cls_preds, *head.obj_preds]:
        torch.testing.assert_close(conv.bias, torch.full_like(conv.bias, expected))
    # zero features: every cell starts at probability 0.01
    head.eval()
    with torch.no_grad():
        for conv in [*head.cls_preds, *head.obj_preds]:
            conv.weight.zero_()
    cls_scores, _, objectnesses = head(_feats())
    torch.testing.assert_close(cls_scores[1].sigmoid(), torch.full_like(cls_scores[1], 0.01))
    torch.testing.assert_close(objectnesses[2].sigmoid(), torch.full_like(objectnesses[2], 0.01))


def test_widths_depthwise_and_batch_norm_options():
    head = MODELS.build(dict(type='YOLOXHead', num_classes=2, widen_factor=0.25,
                             feat_channels=128, in_channels=(64, 128, 256), depthwise=True,
                             norm_eps=1e-5, norm_momentum=0.1, strides=(4, 8, 16)))
    assert head.stems[2].conv.in_channels == 64 and head.stems[2].conv.out_channels == 32
    assert isinstance(head.cls_convs[0][0], DepthwiseSeparableConv)
    assert isinstance(head.reg_convs[1][1], DepthwiseSeparableConv)
    assert head.stems[0].bn.eps == 1e-5 and head.cls_convs[0][0].pconv.bn.momentum == 0.1
    assert head.strides == (4, 8, 16)
    outs = head([torch.zeros(1, c, 4, 4) for c in (16, 32, 64)])
    assert outs[0][0].shape == (1, 2, 4, 4)


def test_bad_arguments_are_named():
    with pytest.raises(ConfigError, match='^YOLOXHead.num_classes must be >= 1, got 0.$'):
        MODELS.build(dict(type='YOLOXHead', num_classes=0))
    with pytest.raises(ValueError, match='one stride per input level'):
        MODELS.build(dict(type='YOLOXHead', num_classes=2, strides=(8, 16)))
    head = MODELS.build(dict(type='YOLOXHead', num_classes=2, widen_factor=0.125))
    with pytest.raises(ValueError, match='has 3 levels, got 2 maps'):
        head(_feats()[:2])
