"""DINO: self-distillation with no labels (Caron et al., https://arxiv.org/abs/2104.14294)."""
from typing import Dict, List, Optional, Tuple

import torch
from mmengine.dist import all_reduce, get_world_size

from ...registry import MODELS
from ..losses.dino_loss import dino_loss
from .base import BaseSelfSupervisor
from .multi_crop import forward_by_size


@MODELS.register_module()
class DINO(BaseSelfSupervisor):
    """A student matches the centred, sharpened output of a momentum teacher across crops.

    Views: the first ``num_global_crops`` are the global crops (seen by teacher and student),
    the others local crops (student only). The teacher (``momentum_backbone`` +
    ``momentum_head``) is an EMA of the student, updated by ``MomentumUpdateHook`` from
    ``momentum`` (cosine to ``momentum_end=1.0`` in the paper).
    The centre is an EMA of the teacher's mean output over the global batch (all ranks).
    ``DINOTeacherTempHook`` warms ``teacher_temp`` up during training.

    Args:
        backbone: backbone config (``VisionTransformer`` with ``output='cls'``).
        head: ``DINOHead`` config.
        momentum: base EMA momentum of the teacher. Default 0.996.
        momentum_end: momentum at the end of a cosine schedule. Default None (constant).
        student_temp: student temperature. Default 0.1.
        teacher_temp: teacher temperature (the hook may change it). Default 0.04.
        center_momentum: EMA momentum of the centre. Default 0.9.
        num_global_crops: how many leading views are global crops. Default 2.
        data_preprocessor: see ``BaseSelfSupervisor``.
        init_cfg: mmengine init config.
    """

    def __init__(self, backbone: dict, head: dict, momentum: float = 0.996,
                 momentum_end: Optional[float] = None,
                 student_temp: float = 0.1, teacher_temp: float = 0.04,
                 center_momentum: float = 0.9, num_global_crops: int = 2,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(backbone, head=head, data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.set_momentum_schedule(momentum, momentum_end)
        self.add_momentum_copy('backbone', backbone)
        self.add_momentum_copy('head', head)
        self.student_temp = student_temp
        self.teacher_temp = teacher_temp
        self.center_momentum = center_momentum
        self.num_global_crops = num_global_crops
        self.register_buffer('center', torch.zeros(1, self.head.out_channels))  # 1 x K

    def scheduled_values(self) -> Tuple[str, ...]:
        """``DINOTeacherTempHook`` warms ``teacher_temp`` up."""
        return ('teacher_temp',)

    def extract_feat(self, inputs: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        """The teacher's backbone features: the paper evaluates (kNN, linear) the teacher."""
        return self.momentum_backbone(inputs)

    @torch.no_grad()
    def update_center(self, teacher_logits: torch.Tensor) -> None:
        """``center <- m * center + (1 - m) * mean teacher logits over all ranks``."""
        batch_center = teacher_logits.float().sum(dim=0, keepdim=True)  # 1 x K
        all_reduce(batch_center)
        batch_center /= len(teacher_logits) * get_world_size()
        self.center.mul_(self.center_momentum).add_(batch_center, alpha=1 - self.center_momentum)

    def loss(self, inputs: List[torch.Tensor],
             data_samples: Optional[dict] = None) -> Dict[str, torch.Tensor]:
        if len(inputs) < max(2, self.num_global_crops):
            raise ValueError(f'DINO needs at least {max(2, self.num_global_crops)} views, '
                             f'got {len(inputs)}')
        global_crops = inputs[:self.num_global_crops]
        with torch.no_grad():
            teacher = forward_by_size(lambda x: self.momentum_head(self.momentum_backbone(x)),
                                      global_crops)
        student = forward_by_size(lambda x: self.head(self.backbone(x)), inputs)
        loss = dino_loss(student, teacher, self.center, self.student_temp, self.teacher_temp)
        self.update_center(torch.cat(teacher))
        return dict(loss=loss)
