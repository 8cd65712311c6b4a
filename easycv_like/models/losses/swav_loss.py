"""SwAV's swapped prediction loss (Caron et al. 2020, https://arxiv.org/abs/2006.09882)."""
from collections.abc import Sequence

import torch
import torch.nn.functional as F


def swav_loss(scores: Sequence[torch.Tensor], assignments: Sequence[torch.Tensor],
              crops_for_assign: Sequence[int], temperature: float = 0.1) -> torch.Tensor:
    """Predict the code of one crop from the prototype scores of every other crop.

    For each assignment crop ``i`` (code ``q_i``, computed without gradient, e.g. by
    Sinkhorn-Knopp) and each other crop ``v``:
    ``l(i, v) = mean_n sum_k -q_i[n, k] * log softmax(scores_v[n] / T)_k``.
    The loss is the mean of ``l`` over all those (i, v) pairs.

    Args:
        scores: one N x K tensor of prototype scores per crop (all crops of the batch).
        assignments: one N x K code per entry of ``crops_for_assign``, same order.
        crops_for_assign: indices (into ``scores``) of the crops whose codes are targets.
        temperature: softmax temperature T. Default 0.1.

    Returns:
        Scalar loss.
    """
    if len(assignments) != len(crops_for_assign):
        raise ValueError(f'swav_loss needs one assignment per crop in crops_for_assign, got '
                         f'{len(assignments)} for {list(crops_for_assign)}')
    log_probs = [F.log_softmax(s / temperature, dim=1) for s in scores]
    terms = [-(q.detach() * log_probs[v]).sum(dim=1).mean()
             for q, i in zip(assignments, crops_for_assign)
             for v in range(len(scores)) if v != i]
    if not terms:
        raise ValueError('swav_loss needs at least two crops')
    return torch.stack(terms).mean()
