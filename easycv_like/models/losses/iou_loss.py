"""IoU-based box regression losses (YOLOX's IoU and GIoU), one value per pair of aligned boxes."""
import torch
from torch import nn
from torchvision.ops import generalized_box_iou_loss

from ...errors import ConfigError
from ...registry import MODELS

IOU_MODES = ('iou', 'giou')
REDUCTIONS = ('none', 'sum', 'mean')


def aligned_box_iou(pred: torch.Tensor, target: torch.Tensor, eps: float = 1e-16) -> torch.Tensor:
    """IoU of ``pred[i]`` with ``target[i]`` (both N x 4 xyxy) -> N; disjoint boxes give 0."""
    top_left = torch.max(pred[:, :2], target[:, :2])
    bottom_right = torch.min(pred[:, 2:], target[:, 2:])
    inter = (bottom_right - top_left).clamp(min=0).prod(dim=1)
    area_pred = (pred[:, 2:] - pred[:, :2]).prod(dim=1)
    area_target = (target[:, 2:] - target[:, :2]).prod(dim=1)
    return inter / (area_pred + area_target - inter + eps)


def iou_loss(pred: torch.Tensor, target: torch.Tensor, mode: str = 'iou',
             reduction: str = 'none') -> torch.Tensor:
    """Box loss of aligned xyxy boxes: ``1 - IoU^2`` (``'iou'``, Megvii's YOLOX) or ``1 - GIoU``.

    GIoU comes from ``torchvision.ops.generalized_box_iou_loss``.

    Args:
        pred: N x 4 predicted boxes, xyxy.
        target: N x 4 target boxes, xyxy.
        mode: ``'iou'`` or ``'giou'``. Default ``'iou'``.
        reduction: ``'none'`` (N values), ``'sum'`` or ``'mean'``. Default ``'none'``.
    """
    if mode not in IOU_MODES:
        raise ValueError(f'iou_loss mode must be one of {IOU_MODES}, got {mode!r}')
    if reduction not in REDUCTIONS:
        raise ValueError(f'iou_loss reduction must be one of {REDUCTIONS}, got {reduction!r}')
    if pred.shape != target.shape or pred.dim() != 2 or pred.shape[-1] != 4:
        raise ValueError(f'iou_loss wants two N x 4 xyxy tensors, got {tuple(pred.shape)} and '
                         f'{tuple(target.shape)}')
    if mode == 'iou':
        loss = 1 - aligned_box_iou(pred, target) ** 2
    else:
        loss = generalized_box_iou_loss(pred, target, reduction='none')
    if reduction == 'sum':
        return loss.sum()
    if reduction == 'mean':
        return loss.mean()
    return loss


@MODELS.register_module()
class IoULoss(nn.Module):
    """Registered wrapper of :func:`iou_loss` with a fixed ``mode``, ``reduction`` and weight.

    Args:
        mode: ``'iou'`` (``1 - IoU^2``) or ``'giou'`` (``1 - GIoU``). Default ``'iou'``.
        reduction: ``'none'``, ``'sum'`` or ``'mean'``. Default ``'none'``.
        loss_weight: factor applied to the result. Default 1.0.
    """

    def __init__(self, mode: str = 'iou', reduction: str = 'none', loss_weight: float = 1.0):
        super().__init__()
        if mode not in IOU_MODES:
            raise ConfigError(f'IoULoss mode must be one of {IOU_MODES}, got {mode!r}')
        if reduction not in REDUCTIONS:
            raise ConfigError(f'IoULoss reduction must be one of {REDUCTIONS}, got {reduction!r}')
        self.mode = mode
        self.reduction = reduction
        self.loss_weight = loss_weight

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """N x 4 xyxy predictions and targets -> the reduced, weighted loss."""
        return self.loss_weight * iou_loss(pred, target, self.mode, self.reduction)

    def extra_repr(self) -> str:
        return f'mode={self.mode!r}, reduction={self.reduction!r}, loss_weight={self.loss_weight}'
