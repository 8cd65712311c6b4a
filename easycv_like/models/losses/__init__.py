"""Losses (and the accuracy used to log them) as pure functions of tensors."""
from .accuracy import check_topk, topk_accuracy
from .byol_loss import byol_loss
from .cross_entropy import cross_entropy
from .dino_loss import dino_loss
from .info_nce import info_nce
from .iou_loss import IoULoss, iou_loss
from .mae_loss import mae_loss, patchify
from .nt_xent import nt_xent
from .pixel_cross_entropy import pixel_cross_entropy
from .sinkhorn_knopp import sinkhorn_knopp
from .swav_loss import swav_loss

__all__ = ['byol_loss', 'check_topk', 'cross_entropy', 'dino_loss', 'info_nce', 'mae_loss',
           'nt_xent', 'patchify', 'pixel_cross_entropy', 'sinkhorn_knopp', 'swav_loss',
           'topk_accuracy', 'IoULoss', 'iou_loss']
