"""SimOTA on a hand-made row of priors, degenerate inputs, and a crowded image in bounded memory."""
import math
import os
import subprocess
import sys

import pytest
import torch

from easycv_like.models.detection.sim_ota_assigner import SimOTAAssigner
from easycv_like.models.detection.yolox_grid import grid_priors

from ...conftest import REPO

# One row of eight stride-8 cells: centres x = 4, 12, ..., 60, y = 4. Centre radius 1.5 strides
# (12 px). A = [0, 32] x [0, 8], class 0: inside it priors 0-3, centre region (4, 28): 1, 2.
# B = [16, 40] x [0, 8], class 1: inside it priors 2-4, centre region (16, 40): 2, 3, 4.
PRIORS = grid_priors([(1, 8)], [8])
GT_BOXES = torch.tensor([[0., 0, 32, 8], [16, 0, 40, 8]])
GT_LABELS = torch.tensor([0, 1])
# Predicted x-extents (all y in [0, 8]) and their IoUs with A and B, by hand:
#   p0 [0, 12]  A 12/32 B 0       p1 [2, 30]  A 28/32 B 14/38     p2 [10, 34] A 22/34 B 18/30
#   p3 [20, 40] A 12/40 B 20/24   p4 [30, 46] A 2/46  B 10/30     p5-p7 far right, no candidates
X_EXTENTS = [(0, 12), (2, 30), (10, 34), (20, 40), (30, 46), (44, 52), (52, 60), (56, 64)]
PRED_BOXES = torch.tensor([[x1, 0., x2, 8.] for x1, x2 in X_EXTENTS])
IOU_A = [12 / 32, 28 / 32, 22 / 34, 12 / 40, 2 / 46]
IOU_B = [0, 14 / 38, 18 / 30, 20 / 24, 10 / 30]


def _assign(cls_logits=None, obj_logits=None, boxes=GT_BOXES, labels=GT_LABELS):
    cls_logits = torch.zeros(8, 2) if cls_logits is None else cls_logits
    obj_logits = torch.zeros(8) if obj_logits is None else obj_logits
    return SimOTAAssigner(center_radius=1.5).assign(PRIORS, PRED_BOXES, cls_logits, obj_logits,
                                                    boxes, labels)


def test_hand_made_row():
    result = _assign()
    assert result.candidate_mask.tolist() == [True] * 5 + [False] * 3
    # k = int(sum of the 5 candidate IoUs): A 2.24 -> 2, B 2.14 -> 2
    assert int(sum(IOU_A)) == 2 and int(sum(IOU_B)) == 2
    assert result.dynamic_ks.tolist() == [2, 2]
    # Class costs are equal (all logits 0), so cost follows IoU; priors outside a box's box and
    # centre region cost 1e5 more. A takes p1, p2; B takes p3, p2. p2 is claimed twice and goes
    # to A, whose IoU with it (22/34) beats B's (18/30): the lower cost.
    assert result.fg_mask.tolist() == [False, True, True, True, False, False, False, False]
    assert result.gt_inds.tolist() == [0, 0, 1]
    torch.testing.assert_close(result.ious, torch.tensor([IOU_A[1], IOU_A[2], IOU_B[3]]))
    assert result.num_fg == 3


def test_class_cost_decides_a_conflict():
    # p2 confidently predicts class 1 (B's label): B's class cost for p2 drops below A's by more
    # than A's IoU advantage (3 * ln((22/34) / (18/30)) = 0.23), so p2 now goes to B.
    cls_logits = torch.zeros(8, 2)
    cls_logits[2] = torch.tensor([-4.0, 4.0])
    result = _assign(cls_logits=cls_logits, obj_logits=torch.full((8,), 4.0))
    assert result.fg_mask.nonzero().squeeze(1).tolist() == [1, 2, 3]
    assert result.gt_inds.tolist() == [0, 1, 1]


def test_small_k_keeps_only_the_cheapest():
    # A alone, candidate_topk=1: k = max(1, int(best IoU 28/32)) = 1, and the cheapest prior
    # is p1 (the highest IoU among p1, p2, the priors inside both A's box and centre region)
    assigner = SimOTAAssigner(center_radius=1.5, candidate_topk=1)
    result = assigner.assign(PRIORS, PRED_BOXES, torch.zeros(8, 2), torch.zeros(8),
                             GT_BOXES[:1], GT_LABELS[:1])
    assert result.dynamic_ks.tolist() == [1]
    assert result.fg_mask.nonzero().squeeze(1).tolist() == [1]


def test_no_boxes_and_no_candidates_give_no_foregrounds():
    empty = _assign(boxes=torch.zeros(0, 4), labels=torch.zeros(0, dtype=torch.long))
    assert empty.num_fg == 0 and not empty.fg_mask.any() and empty.dynamic_ks.numel() == 0
    outside = _assign(boxes=torch.tensor([[200., 200, 220, 220]]), labels=torch.tensor([0]))
    assert outside.num_fg == 0 and not outside.candidate_mask.any()
    assert outside.dynamic_ks.tolist() == [0]


def test_assignment_is_fp32_under_autocast():
    expected = _assign()
    with torch.autocast(device_type='cpu', dtype=torch.bfloat16):
        got = _assign(cls_logits=torch.zeros(8, 2, dtype=torch.bfloat16))
    assert got.ious.dtype == torch.float32
    assert got.fg_mask.tolist() == expected.fg_mask.tolist()
    torch.testing.assert_close(got.ious, expected.ious)


@pytest.mark.parametrize('kwargs', [dict(center_radius=0), dict(candidate_topk=0),
                                    dict(candidate_topk=2.5)])
def test_bad_arguments_raise(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        SimOTAAssigner(**kwargs)


CROWDED = r'''
import resource, sys, time, torch
from easycv_like.models.detection.sim_ota_assigner import SimOTAAssigner
from easycv_like.models.detection.yolox_grid import grid_priors
torch.manual_seed(0)
priors = grid_priors([(80, 80), (40, 40), (20, 20)], [8, 16, 32])  # 8400 priors, 640 px
xy = torch.rand(300, 2) * 600
boxes = torch.cat([xy, xy + 8 + torch.rand(300, 2) * 40], 1)  # 300 small boxes all over
centres = priors[:, :2] + priors[:, 2:] / 2
preds = torch.cat([centres - priors[:, 2:], centres + priors[:, 2:]], 1)
cls, obj, labels = torch.randn(8400, 80), torch.randn(8400), torch.randint(0, 80, (300,))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
result = SimOTAAssigner().assign(priors, preds, cls, obj, boxes, labels)
seconds = time.perf_counter() - start
grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(result.num_fg, int(result.candidate_mask.sum()), grown_mib, seconds)
'''


def test_crowded_image_runs_in_bounded_memory():
    """300 boxes x 8400 priors x 80 classes: a G x C x K class cost alone would be ~800 MiB."""
    out = subprocess.run([sys.executable, '-c', CROWDED], capture_output=True, text=True,
                         cwd=REPO, env=dict(os.environ, OMP_NUM_THREADS='1', PYTHONPATH=REPO),
                         timeout=120)
    assert out.returncode == 0, out.stderr
    num_fg, candidates, grown_mib, seconds = out.stdout.split()
    assert int(num_fg) >= 300 and int(candidates) > 1000
    assert float(grown_mib) < 200, f'peak memory grew by {grown_mib} MiB'
    assert math.isfinite(float(seconds))
