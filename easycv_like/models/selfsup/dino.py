"""DINO: self-distillation with no labels (Caron et al., https://arxiv.org/abs/2104.14294)."""
from typing import Dict, List, Optional, Tuple

import torch
from torch import nn

from ...registry import MODELS
from .base import BaseSelfSupervisor
from .multi_crop import forward_by_size

# older checkpoints: the projection was the head, the centre a model buffer
_LEGACY_PREFIXES = (('head.', 'neck.'), ('teacher_head.', 'momentum_neck.'),
                    ('momentum_head.', 'momentum_neck.'))


@MODELS.register_module()
class DINO(BaseSelfSupervisor):
    """A student matches the centred, sharpened output of a momentum teacher across crops.

    Views: the first ``num_global_crops`` are the global crops (seen by teacher and student),
    the others local crops (student only). Student: backbone + projection (``neck``, a
    ``DINONeck``); the teacher (``momentum_backbone`` + ``momentum_neck``) is an EMA of the
    student, updated by ``MomentumUpdateHook`` from ``momentum`` (cosine to ``momentum_end=1.0``
    in the paper). The loss, the temperatures and the centre are the head's (``DINOHead``);
    ``DINOTeacherTempHook`` warms ``head.teacher_temp`` up during training.

    Args:
        backbone: backbone config (``VisionTransformer`` with ``output='cls'``).
        neck: ``DINONeck`` config (the projection to K logits).
        head: ``DINOHead`` config (its ``out_channels`` = the neck's K).
        momentum: base EMA momentum of the teacher. Default 0.996.
        momentum_end: momentum at the end of a cosine schedule. Default None (constant).
        num_global_crops: how many leading views are global crops. Default 2.
        data_preprocessor: see ``BaseSelfSupervisor``.
        init_cfg: mmengine init config.
    """

    def __init__(self, backbone: dict, neck: dict, head: dict, momentum: float = 0.996,
                 momentum_end: Optional[float] = None, num_global_crops: int = 2,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(backbone, neck=neck, head=head, data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        if self.neck.out_channels != self.head.out_channels:
            raise ValueError(f'DINO: neck.out_channels={self.neck.out_channels} and '
                             f'head.out_channels={self.head.out_channels} must be equal')
        self.set_momentum_schedule(momentum, momentum_end)
        self.add_momentum_copy('backbone', backbone)
        self.add_momentum_copy('neck', neck)
        self.num_global_crops = num_global_crops
        self.register_load_state_dict_pre_hook(self._load_legacy_layout)

    def _load_legacy_layout(self, module: nn.Module, state_dict: dict, prefix: str,
                            *args) -> None:
        """Load-time pre-hook: a checkpoint with a top-level ``center`` has the projection
        under ``head.`` / ``teacher_head.``; they become ``neck.`` / ``momentum_neck.``."""
        if prefix + 'center' not in state_dict:
            return
        for key in [k for k in state_dict if k.startswith(prefix)]:
            rest = key[len(prefix):]
            for old, new in _LEGACY_PREFIXES:
                if rest.startswith(old):
                    state_dict[prefix + new + rest[len(old):]] = state_dict.pop(key)
                    break
        state_dict[prefix + 'head.center'] = state_dict.pop(prefix + 'center')

    def scheduled_values(self) -> Tuple[str, ...]:
        """``DINOTeacherTempHook`` warms ``head.teacher_temp`` up."""
        return ('head.teacher_temp',)

    def extract_feat(self, inputs: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        """The teacher's backbone features: the paper evaluates (kNN, linear) the teacher."""
        return self.momentum_backbone(inputs)

    def loss(self, inputs: List[torch.Tensor],
             data_samples: Optional[dict] = None) -> Dict[str, torch.Tensor]:
        if len(inputs) < max(2, self.num_global_crops):
            raise ValueError(f'DINO needs at least {max(2, self.num_global_crops)} views, '
                             f'got {len(inputs)}')
        global_crops = inputs[:self.num_global_crops]
        with torch.no_grad():
            teacher = forward_by_size(
                lambda x: self.momentum_neck(self.momentum_backbone(x))[0], global_crops)
        student = forward_by_size(lambda x: self.neck(self.backbone(x))[0], inputs)
        return self.head(student, teacher)
