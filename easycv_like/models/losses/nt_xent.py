"""NT-Xent, SimCLR's normalised temperature-scaled cross-entropy (Chen et al. 2020,
https://arxiv.org/abs/2002.05709), over the global batch."""
import torch
import torch.distributed as dist
import torch.distributed.nn.functional as dist_fn
import torch.nn.functional as F

from .info_nce import info_nce


def gather_with_grad(x: torch.Tensor) -> torch.Tensor:
    """Concatenate ``x`` (N x D) of every rank, rank 0 first: (W * N) x D.

    ``torch.distributed.nn.functional.all_gather`` is differentiable: the backward pass sends
    every rank's gradient for a gathered block back to the rank that owns it (summed), so each
    rank's local ``x`` receives the gradient of all ranks' losses. With DDP's averaging of
    parameter gradients this is the exact gradient of the global-batch loss (the mean of the
    ranks' losses). A single process returns ``x`` itself.
    """
    if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() == 1:
        return x
    return torch.cat(dist_fn.all_gather(x.contiguous()))


def nt_xent(z1: torch.Tensor, z2: torch.Tensor, temperature: float = 0.1) -> torch.Tensor:
    """Each of the 2N local projections must pick its other view among all 2B - 1 others.

    ``z = normalise([z1; z2])``; for anchor ``i`` with positive ``j`` (the other view of the
    same image), ``l_i = -log(exp(z_i.z_j / T) / sum_{k != i} exp(z_i.z_k / T))`` where ``k``
    runs over the projections of both views of the whole global batch (B images over all ranks,
    gathered with gradients: see :func:`gather_with_grad`). The loss is the mean of ``l_i``
    over the local anchors; with one process that is the paper's ``1 / 2N sum_i l_i``. Each
    anchor's positive and its 2B - 2 negatives go through :func:`info_nce`.

    Args:
        z1: N x D projections of the first views.
        z2: N x D projections of the second views (row ``n`` is the same image as in ``z1``).
        temperature: softmax temperature T. Default 0.1.

    Returns:
        Scalar loss.

    Raises:
        ValueError: for a global batch of one image (no negatives: a loss of 0, nothing learnt).
    """
    if z1.shape != z2.shape or z1.dim() != 2:
        raise ValueError(f'nt_xent expects two N x D tensors, got {tuple(z1.shape)} and '
                         f'{tuple(z2.shape)}')
    n = len(z1)
    local = F.normalize(torch.cat([z1, z2]), dim=1)  # 2N x D: views 1 then views 2
    everyone = gather_with_grad(local)  # 2B x D, rank r's block starts at r * 2N
    if len(everyone) < 4:  # B = 1: no negative, the loss would be 0 whatever the features
        raise ValueError('NT-Xent needs at least 2 images in the global batch (its negatives are '
                         'the other images\' views); got 1. Raise data.imgs_per_gpu.')
    offset = dist.get_rank() * 2 * n if len(everyone) > 2 * n else 0
    sim = local @ everyone.T  # 2N x 2B cosine similarities
    rows = torch.arange(2 * n, device=sim.device)
    self_col = offset + rows
    pos_col = offset + (rows + n) % (2 * n)
    pos = sim[rows, pos_col].unsqueeze(1)  # 2N x 1
    keep = torch.ones_like(sim, dtype=torch.bool)
    keep[rows, self_col] = False
    keep[rows, pos_col] = False
    neg = sim[keep].view(2 * n, -1)  # 2N x (2B - 2)
    return info_nce(pos, neg, temperature)
