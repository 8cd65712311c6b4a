"""InfoNCE, the contrastive loss of CPC/MoCo/SimCLR (Oord et al., https://arxiv.org/abs/1807.03748),
as a pure function of similarity logits."""
import torch
import torch.nn.functional as F


def info_nce(pos: torch.Tensor, neg: torch.Tensor, temperature: float = 0.2) -> torch.Tensor:
    """Cross-entropy of picking the positive among ``1 + K`` candidates.

    ``loss = mean_n -log(exp(pos_n / T) / (exp(pos_n / T) + sum_k exp(neg_nk / T)))``: the
    logits ``[pos, neg] / T`` with the positive at index 0. With cosine similarities the loss at
    chance is ``ln(K + 1)``.

    Args:
        pos: N x 1 similarity with the positive.
        neg: N x K similarities with the negatives.
        temperature: softmax temperature T. Default 0.2.

    Returns:
        Scalar loss.
    """
    if pos.dim() != 2 or pos.shape[1] != 1 or neg.dim() != 2 or neg.shape[0] != pos.shape[0]:
        raise ValueError(f'info_nce expects pos N x 1 and neg N x K, got {tuple(pos.shape)} and '
                         f'{tuple(neg.shape)}')
    logits = torch.cat([pos, neg], dim=1) / temperature  # N x (1 + K)
    labels = torch.zeros(len(logits), dtype=torch.long, device=logits.device)
    return F.cross_entropy(logits, labels)
