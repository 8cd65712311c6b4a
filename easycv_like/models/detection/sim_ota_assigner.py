"""SimOTA: YOLOX's dynamic-k assignment of priors to ground-truth boxes (one image at a time).

YOLOX, https://arxiv.org/abs/2107.08430, section 2.2; the rules follow Megvii's YOLOX 0.3.0.
"""
from dataclasses import dataclass
from typing import Tuple

import torch
import torch.nn.functional as F
from torchvision.ops import box_iou

IOU_COST_WEIGHT = 3.0  # cost = class BCE + 3 * (-log IoU) + OUTSIDE_COST * (not in box and centre)
OUTSIDE_COST = 1e5
LOG_EPS = 1e-8


@dataclass
class SimOTAAssignment:
    """The result for one image with N priors, G boxes and F foregrounds.

    Attributes:
        fg_mask: N bool, the priors assigned to a box.
        gt_inds: F int64, the box of each foreground (foregrounds in prior order).
        ious: F float32, IoU of each foreground's predicted box with its box.
        candidate_mask: N bool, priors inside a box or within the centre radius of one.
        dynamic_ks: G int64, how many priors each box asked for (before conflicts).
    """
    fg_mask: torch.Tensor
    gt_inds: torch.Tensor
    ious: torch.Tensor
    candidate_mask: torch.Tensor
    dynamic_ks: torch.Tensor

    @property
    def num_fg(self) -> int:
        return int(self.gt_inds.numel())


def candidate_regions(priors: torch.Tensor, gt_bboxes: torch.Tensor,
                      center_radius: float) -> Tuple[torch.Tensor, torch.Tensor]:
    """G x N bools: prior cell centre strictly inside each box, and within ``center_radius``
    strides of each box centre (a square, as Megvii)."""
    centres = priors[:, :2] + priors[:, 2:] / 2  # N x 2
    x, y = centres[:, 0][None], centres[:, 1][None]  # 1 x N
    x1, y1, x2, y2 = gt_bboxes.unbind(1)
    in_box = (x > x1[:, None]) & (x < x2[:, None]) & (y > y1[:, None]) & (y < y2[:, None])
    cx, cy = ((x1 + x2) / 2)[:, None], ((y1 + y2) / 2)[:, None]  # G x 1
    rx, ry = center_radius * priors[:, 2][None], center_radius * priors[:, 3][None]  # 1 x N
    in_centre = (x > cx - rx) & (x < cx + rx) & (y > cy - ry) & (y < cy + ry)
    return in_box, in_centre


def class_cost(cls_logits: torch.Tensor, obj_logits: torch.Tensor,
               gt_labels: torch.Tensor) -> torch.Tensor:
    """G x C summed BCE of ``sqrt(sigmoid(cls) * sigmoid(obj))`` against each box's one-hot label.

    Written as (BCE against all-zero) - (BCE of the label against 0) + (BCE of the label against
    1), so memory is C x K + G x C instead of Megvii's G x C x K (a crowded image stays small).
    """
    prob = (cls_logits.sigmoid() * obj_logits.sigmoid()[:, None]).sqrt()  # C x K
    as_negative = F.binary_cross_entropy(prob, torch.zeros_like(prob), reduction='none')
    as_positive = F.binary_cross_entropy(prob, torch.ones_like(prob), reduction='none')
    swap = (as_positive - as_negative)[:, gt_labels]  # C x G
    return as_negative.sum(dim=1)[None, :] + swap.t()


class SimOTAAssigner:
    """Assigns priors to boxes by SimOTA.

    Candidates are priors whose cell centre lies inside a box or within ``center_radius``
    strides of its centre; only they enter the G x C cost
    ``BCE(sqrt(cls * obj), one-hot) + 3 * (-log IoU) + 1e5 * (not inside both box and centre
    region)``. Each box takes its ``k = max(1, int(sum of its candidate_topk largest IoUs))``
    cheapest candidates; a prior taken by several boxes goes to the box of lowest cost for it
    (the minimum over all boxes, as Megvii). Runs in fp32 with autocast off, batched over priors
    and boxes (no per-prior loop, no CPU retry).

    Args:
        center_radius: half side of the centre square, in strides. Default 2.5.
        candidate_topk: how many largest IoUs are summed for a box's k. Default 10.
    """

    def __init__(self, center_radius: float = 2.5, candidate_topk: int = 10):
        if center_radius <= 0:
            raise ValueError(f'center_radius must be > 0, got {center_radius}')
        if int(candidate_topk) != candidate_topk or candidate_topk < 1:
            raise ValueError(f'candidate_topk must be an integer >= 1, got {candidate_topk!r}')
        self.center_radius = float(center_radius)
        self.candidate_topk = int(candidate_topk)

    @torch.no_grad()
    def assign(self, priors: torch.Tensor, pred_bboxes: torch.Tensor, cls_logits: torch.Tensor,
               obj_logits: torch.Tensor, gt_bboxes: torch.Tensor,
               gt_labels: torch.Tensor) -> SimOTAAssignment:
        """Assign one image.

        Args:
            priors: N x 4 ``(x, y, stride, stride)`` (``yolox_grid.grid_priors``).
            pred_bboxes: N x 4 decoded predictions, xyxy in input pixels.
            cls_logits: N x K raw class scores.
            obj_logits: N raw objectness scores (N x 1 accepted).
            gt_bboxes: G x 4 boxes, xyxy in input pixels.
            gt_labels: G class indices in ``[0, K)``.
        """
        with torch.autocast(device_type=priors.device.type, enabled=False):
            return self._assign(priors.float(), pred_bboxes.float(), cls_logits.float(),
                                obj_logits.float().reshape(-1), gt_bboxes.float(),
                                gt_labels.long())

    def _assign(self, priors: torch.Tensor, pred_bboxes: torch.Tensor, cls_logits: torch.Tensor,
                obj_logits: torch.Tensor, gt_bboxes: torch.Tensor,
                gt_labels: torch.Tensor) -> SimOTAAssignment:
        num_priors, num_gts = priors.shape[0], gt_bboxes.shape[0]
        in_box, in_centre = candidate_regions(priors, gt_bboxes, self.center_radius)
        candidate_mask = (in_box | in_centre).any(dim=0)  # N
        candidates = candidate_mask.nonzero().squeeze(1)  # C
        if num_gts == 0 or candidates.numel() == 0:
            return self._empty(num_priors, num_gts, candidate_mask)
        in_both = in_box[:, candidates] & in_centre[:, candidates]  # G x C
        ious = box_iou(gt_bboxes, pred_bboxes[candidates])  # G x C
        cost = (class_cost(cls_logits[candidates], obj_logits[candidates], gt_labels)
                + IOU_COST_WEIGHT * -torch.log(ious + LOG_EPS)
                + OUTSIDE_COST * (~in_both).float())
        dynamic_ks, matching = self._dynamic_k_matching(cost, ious)
        fg_in_candidates = matching.any(dim=0)  # C
        gt_inds = matching[:, fg_in_candidates].int().argmax(dim=0)  # F
        fg_mask = torch.zeros_like(candidate_mask)
        fg_mask[candidates[fg_in_candidates]] = True
        matched_ious = ious[:, fg_in_candidates].gather(0, gt_inds[None]).squeeze(0)
        return SimOTAAssignment(fg_mask, gt_inds.long(), matched_ious, candidate_mask,
                                dynamic_ks)

    def _dynamic_k_matching(self, cost: torch.Tensor,
                            ious: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """G x C cost and IoUs -> (G dynamic ks, G x C bool matching, one box per prior)."""
        topk = min(self.candidate_topk, cost.shape[1])
        dynamic_ks = ious.topk(topk, dim=1).values.sum(dim=1).int().clamp(min=1).long()  # G
        cheapest = cost.topk(topk, dim=1, largest=False).indices  # G x topk, ascending cost
        within_k = torch.arange(topk, device=cost.device)[None] < dynamic_ks[:, None]
        matching = torch.zeros_like(cost, dtype=torch.bool).scatter_(1, cheapest, within_k)
        claimed_twice = matching.sum(dim=0) > 1  # C
        cheapest_gt = F.one_hot(cost.argmin(dim=0), cost.shape[0]).t().bool()  # G x C
        matching = torch.where(claimed_twice[None], cheapest_gt, matching)
        return dynamic_ks, matching

    @staticmethod
    def _empty(num_priors: int, num_gts: int, candidate_mask: torch.Tensor) -> SimOTAAssignment:
        device = candidate_mask.device
        return SimOTAAssignment(torch.zeros(num_priors, dtype=torch.bool, device=device),
                                torch.zeros(0, dtype=torch.long, device=device),
                                torch.zeros(0, device=device), candidate_mask,
                                torch.zeros(num_gts, dtype=torch.long, device=device))
