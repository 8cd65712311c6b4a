"""Weighted k-nearest-neighbour classification of features (Wu et al. 2018,
https://arxiv.org/abs/1805.01978; the monitor of DINO, https://arxiv.org/abs/2104.14294)."""
from typing import Optional

import torch
import torch.nn.functional as F


def weighted_knn(bank_feats: torch.Tensor, bank_labels: torch.Tensor, query_feats: torch.Tensor,
                 k: int = 20, temperature: float = 0.07, num_classes: Optional[int] = None,
                 chunk: int = 1024) -> torch.Tensor:
    """Class scores of every query from its ``k`` most similar bank samples.

    Features are L2-normalised; each of the ``k`` nearest bank samples (cosine similarity s)
    votes for its class with weight ``exp(s / T)``; a query's score for a class is the sum of
    its votes, divided by ``exp(s_max / T)`` of that query (same ranking, no overflow). Ties
    follow ``torch.topk``.

    Args:
        bank_feats: B x D features of the labelled reference set.
        bank_labels: B integer labels in [0, num_classes).
        query_feats: Q x D features to classify.
        k: neighbours per query; more than B counts as B. Default 20.
        temperature: T of the vote weights. Default 0.07.
        num_classes: C; None means ``max(bank_labels) + 1``.
        chunk: queries compared at once (bounds memory to chunk x B). Default 1024.

    Returns:
        Q x C float scores (higher is more likely).
    """
    bank = F.normalize(bank_feats.float(), dim=1)  # B x D
    query = F.normalize(query_feats.float(), dim=1)  # Q x D
    labels = bank_labels.long().to(bank.device)  # B
    num_classes = int(labels.max()) + 1 if num_classes is None else int(num_classes)
    k = min(k, len(bank))
    scores = torch.zeros(len(query), num_classes, device=bank.device)  # Q x C
    for start in range(0, len(query), chunk):
        sims, idx = (query[start:start + chunk] @ bank.T).topk(k, dim=1)  # q x k
        # subtract each query's best similarity: exp(s / T) overflows float32 for T < ~0.011;
        # a per-query factor leaves its ranking of classes unchanged
        weights = ((sims - sims[:, :1]) / temperature).exp()  # q x k
        scores[start:start + chunk].scatter_add_(1, labels[idx], weights)
    return scores
