"""DINO self-distillation loss (Caron et al., https://arxiv.org/abs/2104.14294), a pure function."""
from collections.abc import Sequence

import torch
import torch.nn.functional as F


def dino_loss(student_logits: Sequence[torch.Tensor], teacher_logits: Sequence[torch.Tensor],
              center: torch.Tensor, student_temp: float = 0.1,
              teacher_temp: float = 0.04) -> torch.Tensor:
    """Cross-entropy between the sharpened, centred teacher and the student, over crop pairs.

    Teacher crop ``i`` is the same image crop as student crop ``i`` (the global crops come
    first); every pair ``(teacher i, student j)`` with ``i != j`` contributes
    ``mean_n sum_k -softmax((t_i - center) / teacher_temp) * log_softmax(s_j / student_temp)``,
    and the loss is the mean over pairs. No gradient flows into the teacher.

    Args:
        student_logits: one N x K tensor per crop (global crops first, then local ones).
        teacher_logits: one N x K tensor per global crop.
        center: 1 x K running mean of the teacher logits.
        student_temp: student softmax temperature. Default 0.1.
        teacher_temp: teacher softmax temperature (sharpening). Default 0.04.

    Returns:
        Scalar loss.
    """
    targets = [F.softmax((t.detach() - center) / teacher_temp, dim=-1) for t in teacher_logits]
    log_probs = [F.log_softmax(s / student_temp, dim=-1) for s in student_logits]
    terms = [torch.sum(-target * log_prob, dim=-1).mean()
             for i, target in enumerate(targets)
             for j, log_prob in enumerate(log_probs) if i != j]
    if not terms:
        raise ValueError('dino_loss needs at least two crops')
    return torch.stack(terms).mean()
