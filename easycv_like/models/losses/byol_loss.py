"""BYOL's regression loss (Grill et al. 2020, https://arxiv.org/abs/2006.07733)."""
import torch
import torch.nn.functional as F


def byol_loss(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean squared distance of the L2-normalised prediction and target: ``2 - 2 cos(p, z)``.

    ``||p / ||p|| - z / ||z|| ||^2 = 2 - 2 <p, z> / (||p|| ||z||)``, averaged over the batch.
    No gradient flows into ``target`` (the target network's projection).

    Args:
        pred: N x D predictions of the online network.
        target: N x D projections of the target network for the other view.

    Returns:
        Scalar loss in [0, 4].
    """
    if pred.shape != target.shape:
        raise ValueError(f'byol_loss expects equal shapes, got {tuple(pred.shape)} and '
                         f'{tuple(target.shape)}')
    cos = F.cosine_similarity(pred, target.detach(), dim=1)  # N
    return (2 - 2 * cos).mean()
