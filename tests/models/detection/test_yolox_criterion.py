"""YOLOXCriterion: equal to Megvii's YOLOX 0.3.0 on a committed fixture, empty images, checks."""
import math
import os.path as osp

import pytest
import torch

from easycv_like.models.detection import YOLOXCriterion
from easycv_like.models.detection.sim_ota_assigner import SimOTAAssigner
from easycv_like.models.detection.yolox_grid import decode_boxes, flatten_levels, grid_priors
from easycv_like.registry import MODELS

from ...conftest import REPO

FIXTURE = osp.join(REPO, 'tests/fixtures/yolox_reference/yolox_loss_reference.pt')
TERMS = ('loss_cls', 'loss_bbox', 'loss_obj', 'loss_l1')


@pytest.fixture(scope='module')
def reference():
    """Made by tests/fixtures/yolox_reference/make_yolox_loss_reference.py from Megvii's code."""
    return torch.load(FIXTURE, weights_only=True)


def _inputs(ref):
    return (ref['cls_scores'], ref['bbox_preds'], ref['objectnesses'], ref['gt_bboxes'],
            ref['gt_labels'])


def test_assignment_equals_megvii(reference):
    cls_scores, bbox_preds, objectnesses, gt_bboxes, gt_labels = _inputs(reference)
    priors = grid_priors([m.shape[-2:] for m in cls_scores], (8, 16, 32))
    boxes = decode_boxes(flatten_levels(bbox_preds), priors)
    cls_flat, obj_flat = flatten_levels(cls_scores), flatten_levels(objectnesses)[..., 0]
    assert sorted(reference['assignments']) == [0, 2]  # image 1 has no boxes
    for i, expected in reference['assignments'].items():
        got = SimOTAAssigner().assign(priors, boxes[i], cls_flat[i], obj_flat[i], gt_bboxes[i],
                                      gt_labels[i])
        assert torch.equal(got.candidate_mask, expected['candidate_mask'])
        assert torch.equal(got.dynamic_ks, expected['dynamic_ks'])
        assert torch.equal(got.fg_mask, expected['fg_mask'])
        assert torch.equal(got.gt_inds, expected['gt_inds'])
        torch.testing.assert_close(got.ious, expected['ious'], rtol=1e-5, atol=1e-5)
    assert reference['assignments'][0]['claimed_twice'] > 0  # the case has a conflict


@pytest.mark.parametrize('case', ['iou', 'iou_l1', 'giou', 'giou_l1'])
def test_losses_equal_megvii(reference, case):
    criterion = YOLOXCriterion(num_classes=3, iou_loss=case.split('_')[0])
    got = criterion(*_inputs(reference), use_l1=case.endswith('_l1'))
    expected = reference['losses'][case]
    for term in TERMS:
        assert got[term].item() == pytest.approx(expected[term], rel=1e-5, abs=1e-5), term
    fg = sum(int(a['fg_mask'].sum()) for a in reference['assignments'].values())
    assert got['num_fg'].item() == fg
    if not case.endswith('_l1'):
        assert got['loss_l1'].item() == 0.0


def test_gradients_reach_every_output(reference):
    cls_scores, bbox_preds, objectnesses, gt_bboxes, gt_labels = _inputs(reference)
    leaves = [[m.clone().requires_grad_() for m in maps]
              for maps in (cls_scores, bbox_preds, objectnesses)]
    out = YOLOXCriterion(num_classes=3)(*leaves, gt_bboxes, gt_labels, use_l1=True)
    sum(v for k, v in out.items() if k.startswith('loss')).backward()
    for maps in leaves:
        assert all(m.grad is not None and m.grad.abs().sum() > 0 for m in maps)


def test_images_without_boxes_give_zero_foregrounds_and_a_finite_loss():
    sizes = [(4, 4), (2, 2), (1, 1)]
    outs = [[torch.zeros(2, c, h, w, requires_grad=True) for h, w in sizes] for c in (3, 4, 1)]
    empty = [torch.zeros(0, 4)] * 2
    got = YOLOXCriterion(num_classes=3)(*outs, empty, [torch.zeros(0, dtype=torch.long)] * 2,
                                        use_l1=True)
    assert got['num_fg'].item() == 0
    # every prior is background: BCE(logit 0, 0) = ln 2 each, divided by max(0, 1)
    assert got['loss_obj'].item() == pytest.approx(2 * 21 * math.log(2))
    for term in ('loss_cls', 'loss_bbox', 'loss_l1'):
        assert got[term].item() == 0.0
    sum(v for k, v in got.items() if k.startswith('loss')).backward()
    assert all(torch.isfinite(m.grad).all() for maps in outs for m in maps)


def test_half_precision_outputs_are_assigned_in_fp32(reference):
    cls_scores, bbox_preds, objectnesses, gt_bboxes, gt_labels = _inputs(reference)
    as_bf16 = [[m.bfloat16() for m in maps] for maps in (cls_scores, bbox_preds, objectnesses)]
    criterion = YOLOXCriterion(num_classes=3)
    expected = criterion(*[[m.float() for m in maps] for maps in as_bf16], gt_bboxes,
                         gt_labels)
    with torch.autocast(device_type='cpu', dtype=torch.bfloat16):
        got = criterion(*as_bf16, gt_bboxes, gt_labels)
    for term in TERMS:
        assert got[term].dtype == torch.float32
        torch.testing.assert_close(got[term], expected[term])


def test_registered_with_options():
    criterion = MODELS.build(dict(type='YOLOXCriterion', num_classes=2, strides=(8, 16),
                                  iou_loss='giou', reg_weight=2.0, center_radius=1.5,
                                  candidate_topk=4))
    assert criterion.strides == (8, 16) and criterion.iou_loss.mode == 'giou'
    assert criterion.assigner.center_radius == 1.5 and criterion.assigner.candidate_topk == 4


def test_reg_weight_scales_the_box_term(reference):
    base = YOLOXCriterion(num_classes=3)(*_inputs(reference))
    doubled = YOLOXCriterion(num_classes=3, reg_weight=10.0)(*_inputs(reference))
    assert doubled['loss_bbox'].item() == pytest.approx(2 * base['loss_bbox'].item())
    assert doubled['loss_obj'].item() == pytest.approx(base['loss_obj'].item())


def _one_image(num_classes=3, label=0, box_shape=(1, 4)):
    sizes = [(4, 4), (2, 2), (1, 1)]
    outs = [[torch.zeros(1, c, h, w) for h, w in sizes] for c in (num_classes, 4, 1)]
    return outs, [torch.zeros(box_shape)], [torch.full(box_shape[:1], label)]


@pytest.mark.parametrize('change,match', [
    (lambda o, b, l: ([o[0][:2], o[1], o[2]], b, l), 'cls_scores has 2 levels'),
    (lambda o, b, l: ([o[0], [o[1][0][:, :2]] + o[1][1:], o[2]], b, l), r'bbox_preds\[0\]'),
    (lambda o, b, l: (o, b * 2, l), '2 gt_bboxes'),
    (lambda o, b, l: (o, [torch.zeros(1, 5)], l), 'image 0 has gt_bboxes'),
    (lambda o, b, l: (o, b, [torch.tensor([3])]), r'gt_labels must be in \[0, 3\)'),
])
def test_inconsistent_inputs_raise(change, match):
    outs, boxes, labels = change(*_one_image())
    with pytest.raises(ValueError, match=match):
        YOLOXCriterion(num_classes=3)(*outs, boxes, labels)


def test_loss_decreases_when_optimising_the_outputs(reference):
    """The outputs themselves as parameters: Adam steps on the repeated batch lower the total,
    the box and the objectness terms (the class term may rise: its targets are the IoUs, which
    grow as the boxes improve)."""
    cls_scores, bbox_preds, objectnesses, gt_bboxes, gt_labels = _inputs(reference)
    leaves = [[m.clone().requires_grad_() for m in maps]
              for maps in (cls_scores, bbox_preds, objectnesses)]
    optimizer = torch.optim.Adam([m for maps in leaves for m in maps], lr=0.05)
    criterion = YOLOXCriterion(num_classes=3)
    history = []
    for _ in range(30):
        out = criterion(*leaves, gt_bboxes, gt_labels, use_l1=True)
        total = sum(v for k, v in out.items() if k.startswith('loss'))
        history.append({k: out[k].item() for k in TERMS})
        optimizer.zero_grad()
        total.backward()
        optimizer.step()
    first, last = history[0], history[-1]
    assert sum(last.values()) < 0.75 * sum(first.values())
    assert last['loss_obj'] < first['loss_obj'] and last['loss_bbox'] < first['loss_bbox']
