"""Cross-entropy with optional label smoothing, as a pure function of logits and labels."""
import torch


def cross_entropy(logits: torch.Tensor, target: torch.Tensor,
                  label_smoothing: float = 0.0) -> torch.Tensor:
    """Mean cross-entropy between ``softmax(logits)`` and a (smoothed) one-hot target.

    With smoothing ``e`` over ``K`` classes the target puts ``1 - e + e / K`` on the label and
    ``e / K`` elsewhere (Szegedy et al., https://arxiv.org/abs/1512.00567), so the loss is
    ``(1 - e) * nll + e * mean_k(-log p_k)``.

    Args:
        logits: N x K unnormalised scores.
        target: N class indices (int64).
        label_smoothing: ``e`` in [0, 1]. Default 0.0.

    Returns:
        A scalar tensor.
    """
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f'label_smoothing must be in [0, 1], got {label_smoothing}')
    log_prob = torch.log_softmax(logits.float(), dim=1)  # N x K
    nll = -log_prob.gather(1, target.long().unsqueeze(1)).squeeze(1)  # N
    if label_smoothing == 0.0:
        return nll.mean()
    uniform = -log_prob.mean(dim=1)  # N
    return ((1.0 - label_smoothing) * nll + label_smoothing * uniform).mean()
