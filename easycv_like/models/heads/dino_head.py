"""``DINOHead``: DINO's self-distillation loss and its centre (Caron et al.,
https://arxiv.org/abs/2104.14294)."""
from typing import Dict, List, Optional

import torch
from mmengine.dist import all_reduce, get_world_size
from mmengine.model import BaseModule

from easycv_like.registry import MODELS

from ..losses.dino_loss import dino_loss


@MODELS.register_module()
class DINOHead(BaseModule):
    """The student's crops match the centred, sharpened teacher outputs of the other global
    crops (:func:`dino_loss`); then the centre follows the teacher's mean output.

    The centre is an EMA of the teacher's mean logits over the global batch (all ranks):
    ``center <- m * center + (1 - m) * mean``. ``DINOTeacherTempHook`` warms ``teacher_temp``
    up (the model declares it as the scheduled value ``head.teacher_temp``).

    Args:
        out_channels: logits K per crop (the projection's ``out_channels``). Default 65536.
        student_temp: student temperature. Default 0.1.
        teacher_temp: teacher temperature (the hook may change it). Default 0.04.
        center_momentum: EMA momentum m of the centre. Default 0.9.
        init_cfg: mmengine init config. Default None.
    """

    def __init__(self, out_channels: int = 65536, student_temp: float = 0.1,
                 teacher_temp: float = 0.04, center_momentum: float = 0.9,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.out_channels = out_channels
        self.student_temp = student_temp
        self.teacher_temp = teacher_temp
        self.center_momentum = center_momentum
        self.register_buffer('center', torch.zeros(1, out_channels))  # 1 x K

    @torch.no_grad()
    def update_center(self, teacher_logits: torch.Tensor) -> None:
        """``center <- m * center + (1 - m) * mean teacher logits over all ranks``."""
        batch_center = teacher_logits.float().sum(dim=0, keepdim=True)  # 1 x K
        all_reduce(batch_center)
        batch_center /= len(teacher_logits) * get_world_size()
        self.center.mul_(self.center_momentum).add_(batch_center, alpha=1 - self.center_momentum)

    def forward(self, student: List[torch.Tensor],
                teacher: List[torch.Tensor]) -> Dict[str, torch.Tensor]:
        """student: N x K logits per crop; teacher: N x K per global crop -> ``{'loss'}``."""
        loss = dino_loss(student, teacher, self.center, self.student_temp, self.teacher_temp)
        self.update_center(torch.cat(teacher))
        return dict(loss=loss)
