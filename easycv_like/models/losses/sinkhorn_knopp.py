"""Sinkhorn-Knopp equipartition of SwAV (Caron et al. 2020, https://arxiv.org/abs/2006.09882)."""
import torch
from mmengine.dist import all_reduce, get_world_size


@torch.no_grad()
def sinkhorn_knopp(scores: torch.Tensor, epsilon: float = 0.05,
                   iterations: int = 3) -> torch.Tensor:
    """Soft assignments of B samples (all ranks) to K prototypes with equal prototype mass.

    Solves the entropy-regularised transport problem of the paper by alternate scaling of
    ``Q = exp(scores / epsilon)`` (K x B): rows (prototypes) to ``1 / K`` each, then columns
    (samples) to ``1 / B`` each, ``iterations`` times. The result is ``B * Q^T``: every
    sample's row sums to 1 exactly, and every prototype gets ``B / K`` samples in total up to
    the tolerance the iterations reach. The sums run over the global batch (all-reduced), so
    every rank needs the same N. Computed in float32 with the maximum score subtracted first
    (it cancels in the normalisation), so ``epsilon=0.05`` cannot overflow.

    Args:
        scores: N x K similarities of this rank's samples with the prototypes.
        epsilon: entropy regularisation (smaller: sharper assignments). Default 0.05.
        iterations: number of row + column normalisations. Default 3.

    Returns:
        N x K assignments (no gradient).
    """
    scores = scores.float()
    peak = scores.max().clone()
    all_reduce(peak, op='max')
    q = torch.exp((scores - peak) / epsilon).T  # K x N
    num_prototypes, batch = q.shape[0], q.shape[1] * get_world_size()
    total = q.sum()
    all_reduce(total)
    q /= total
    for _ in range(iterations):
        rows = q.sum(dim=1, keepdim=True)  # K x 1: mass of each prototype
        all_reduce(rows)
        q /= rows * num_prototypes
        q /= q.sum(dim=0, keepdim=True) * batch  # columns are local: each sample sums to 1/B
    return (q * batch).T  # N x K
