"""Top-k accuracy of scores against labels; shared by heads (training logs) and ClsEvaluator."""
from collections.abc import Sequence

import torch

from easycv_like.errors import ConfigError


def topk_accuracy(scores: torch.Tensor, target: torch.Tensor,
                  topk: Sequence[int] = (1,)) -> list[torch.Tensor]:
    """Percentage of samples whose label is among the ``k`` highest scores, for each ``k``.

    A ``k`` larger than the number of classes counts as the number of classes (100%). Ties
    are resolved by ``torch.topk``: a sample is correct if its label is among its indices.

    Args:
        scores: N x K scores or logits.
        target: N class indices.
        topk: the values of ``k``. Default (1,).

    Returns:
        One scalar float tensor in [0, 100] per ``k``, in the order of ``topk``.
    """
    if scores.ndim != 2 or target.shape != scores.shape[:1]:
        raise ValueError(f'expected scores N x K and target N, got {tuple(scores.shape)} '
                         f'and {tuple(target.shape)}')
    num_classes = scores.shape[1]
    max_k = min(max(topk), num_classes)
    top = scores.topk(max_k, dim=1).indices  # N x max_k, best first
    hits = top == target.reshape(-1, 1).to(top.device)  # N x max_k
    accs = []
    for k in topk:
        correct = hits[:, :min(k, num_classes)].any(dim=1).float()  # N
        accs.append(correct.mean() * 100.0)
    return accs


def check_topk(topk: Sequence[int], num_classes: int, owner: str) -> None:
    """Refuse a ``k`` above ``num_classes``: ``topk_accuracy`` counts it as ``num_classes``, so
    it reports 100% whatever the model, a figure that would pass for a result (``ConfigError``
    naming ``owner``'s ``topk``)."""
    over = [k for k in topk if k > num_classes]
    if over:
        raise ConfigError(f'{owner} topk={tuple(topk)}: there are only {num_classes} classes, so '
                          f'top-{over[0]} accuracy would be 100% whatever the model. Use k up '
                          f'to {num_classes}, e.g. topk={(1, min(2, num_classes))}.')
