"""YOLOX training losses: SimOTA targets, then objectness / class BCE, IoU and L1 box losses."""
from typing import Dict, List, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from ...errors import ConfigError
from ..losses.iou_loss import IoULoss
from ...registry import MODELS
from .sim_ota_assigner import SimOTAAssigner
from .yolox_grid import decode_boxes, encode_boxes, flatten_levels, grid_priors


@MODELS.register_module()
class YOLOXCriterion(nn.Module):
    """The YOLOX loss of a batch of raw head outputs (Megvii's YOLOX 0.3.0 ``get_losses``).

    Per image, :class:`SimOTAAssigner` picks the foreground priors and their boxes. Then
    ``loss_obj`` = BCE of every prior's objectness against the foreground mask;
    ``loss_cls`` = BCE of foreground class scores against one-hot x IoU of the prediction with its
    box; ``loss_bbox`` = ``reg_weight`` x IoU loss of foreground decoded boxes;
    ``loss_l1`` = L1 of the foreground raw regressions against ``encode_boxes`` of their boxes
    (only with ``use_l1``, else a zero tensor). Each term is a sum divided by
    ``max(num_fg, 1)``, ``num_fg`` counted over the whole local batch.

    The divisor is this rank's foreground count, as Megvii: dividing by the count summed over
    ranks would need an all-reduce (a synchronisation) in every step, and gradients are averaged
    across ranks anyway, so each rank's loss keeps the meaning it has on one device and the
    results equal the reference's.

    Args:
        num_classes: K, number of object classes.
        strides: stride of each level, in the head's level order. Default (8, 16, 32).
        iou_loss: ``'iou'`` (``1 - IoU^2``) or ``'giou'``. Default ``'iou'``.
        reg_weight: factor of the IoU loss. Default 5.0.
        center_radius: SimOTA centre region half side, in strides. Default 2.5.
        candidate_topk: SimOTA's number of IoUs summed for dynamic k. Default 10.
    """

    def __init__(self, num_classes: int, strides: Sequence[int] = (8, 16, 32),
                 iou_loss: str = 'iou', reg_weight: float = 5.0, center_radius: float = 2.5,
                 candidate_topk: int = 10):
        super().__init__()
        if int(num_classes) != num_classes or num_classes < 1:
            raise ConfigError(f'YOLOXCriterion.num_classes must be an integer >= 1, got '
                              f'{num_classes!r}.')
        self.num_classes = int(num_classes)
        self.strides = tuple(int(s) for s in strides)
        self.reg_weight = float(reg_weight)
        self.iou_loss = IoULoss(mode=iou_loss, reduction='sum')
        self.assigner = SimOTAAssigner(center_radius, candidate_topk)

    def forward(self, cls_scores: List[torch.Tensor], bbox_preds: List[torch.Tensor],
                objectnesses: List[torch.Tensor], gt_bboxes: List[torch.Tensor],
                gt_labels: List[torch.Tensor], use_l1: bool = False) -> Dict[str, torch.Tensor]:
        """Per-level raw maps (B x K / 4 / 1 x H x W) and per-image boxes (G x 4 xyxy, batch
        input pixels) with labels (G) -> ``loss_cls``, ``loss_bbox``, ``loss_obj``, ``loss_l1``
        and ``num_fg`` (a float tensor, logged only)."""
        self._check_inputs(cls_scores, bbox_preds, objectnesses, gt_bboxes, gt_labels)
        priors = grid_priors([m.shape[-2:] for m in cls_scores], self.strides,
                             device=cls_scores[0].device)  # N x 4, fp32
        cls_flat = flatten_levels(cls_scores)  # B x N x K
        raw_flat = flatten_levels(bbox_preds)  # B x N x 4
        obj_flat = flatten_levels(objectnesses)[..., 0]  # B x N
        boxes_flat = decode_boxes(raw_flat.float(), priors)  # B x N x 4 xyxy
        fg_masks, cls_targets, box_targets, l1_targets = [], [], [], []
        for i in range(cls_flat.shape[0]):
            boxes = gt_bboxes[i].to(priors)
            found = self.assigner.assign(priors, boxes_flat[i].detach(), cls_flat[i].detach(),
                                         obj_flat[i].detach(), boxes, gt_labels[i])
            matched = boxes[found.gt_inds]  # F x 4
            fg_masks.append(found.fg_mask)
            cls_targets.append(F.one_hot(gt_labels[i][found.gt_inds].long(), self.num_classes)
                               * found.ious[:, None])
            box_targets.append(matched)
            if use_l1:
                l1_targets.append(encode_boxes(matched, priors[found.fg_mask]))
        fg = torch.stack(fg_masks)  # B x N
        num_fg = fg.sum().float()
        divisor = num_fg.clamp(min=1)
        obj_loss = F.binary_cross_entropy_with_logits(obj_flat.float(), fg.float(),
                                                      reduction='sum')
        cls_loss = F.binary_cross_entropy_with_logits(cls_flat[fg].float(),
                                                      torch.cat(cls_targets), reduction='sum')
        box_loss = self.iou_loss(boxes_flat[fg], torch.cat(box_targets))
        if use_l1:
            l1_loss = F.l1_loss(raw_flat[fg].float(), torch.cat(l1_targets), reduction='sum')
            l1_loss = l1_loss / divisor
        else:
            l1_loss = obj_loss.new_zeros(())
        return dict(loss_cls=cls_loss / divisor, loss_bbox=self.reg_weight * box_loss / divisor,
                    loss_obj=obj_loss / divisor, loss_l1=l1_loss, num_fg=num_fg)

    def _check_inputs(self, cls_scores, bbox_preds, objectnesses, gt_bboxes, gt_labels) -> None:
        """Raise ValueError naming the first inconsistent input."""
        levels = len(self.strides)
        for name, maps, channels in (('cls_scores', cls_scores, self.num_classes),
                                     ('bbox_preds', bbox_preds, 4), ('objectnesses',
                                                                     objectnesses, 1)):
            if len(maps) != levels:
                raise ValueError(f'YOLOXCriterion: {name} has {len(maps)} levels, strides '
                                 f'{self.strides} want {levels}')
            for level, m in enumerate(maps):
                if m.dim() != 4 or m.shape[1] != channels or \
                        m.shape[-2:] != cls_scores[level].shape[-2:] or \
                        m.shape[0] != cls_scores[0].shape[0]:
                    raise ValueError(f'YOLOXCriterion: {name}[{level}] has shape '
                                     f'{tuple(m.shape)}, want B x {channels} x H x W matching '
                                     f'cls_scores[{level}]')
        batch = cls_scores[0].shape[0]
        if len(gt_bboxes) != batch or len(gt_labels) != batch:
            raise ValueError(f'YOLOXCriterion: {len(gt_bboxes)} gt_bboxes and {len(gt_labels)} '
                             f'gt_labels entries for a batch of {batch} images')
        for i, (boxes, labels) in enumerate(zip(gt_bboxes, gt_labels)):
            if boxes.dim() != 2 or boxes.shape[1] != 4 or labels.shape != boxes.shape[:1]:
                raise ValueError(f'YOLOXCriterion: image {i} has gt_bboxes '
                                 f'{tuple(boxes.shape)} and gt_labels {tuple(labels.shape)}, '
                                 f'want G x 4 and G')
        labels = torch.cat([lab.reshape(-1) for lab in gt_labels])
        if labels.numel() and (labels.min() < 0 or labels.max() >= self.num_classes):
            raise ValueError(f'YOLOXCriterion: gt_labels must be in [0, {self.num_classes}), '
                             f'got values from {int(labels.min())} to {int(labels.max())}')
