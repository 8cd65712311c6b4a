"""Masked-autoencoder pixel loss (He et al., https://arxiv.org/abs/2111.06377) as pure functions."""
import torch


def patchify(images: torch.Tensor, patch_size: int) -> torch.Tensor:
    """Images N x C x H x W -> patches N x L x (p * p * C), row-major patches, pixels (p, p, C).

    Args:
        images: N x C x H x W with H and W multiples of ``patch_size``.
        patch_size: patch side p.
    """
    n, c, h, w = images.shape
    if h % patch_size or w % patch_size:
        raise ValueError(f'image size {(h, w)} is not a multiple of patch size {patch_size}')
    x = images.reshape(n, c, h // patch_size, patch_size, w // patch_size, patch_size)
    x = x.permute(0, 2, 4, 3, 5, 1)  # N x h x w x p x p x C
    return x.reshape(n, (h // patch_size) * (w // patch_size), patch_size**2 * c)


def mae_loss(pred: torch.Tensor, target: torch.Tensor, mask: torch.Tensor,
             norm_pix: bool = True, eps: float = 1e-6) -> torch.Tensor:
    """Mean squared error over the masked patches only.

    With ``norm_pix`` every target patch is first normalised by its own pixel mean and
    (unbiased) variance: ``(t - mean) / sqrt(var + eps)``, as in the paper's best setting.

    Args:
        pred: reconstruction N x L x P.
        target: patchified images N x L x P (see :func:`patchify`).
        mask: N x L, 1 for masked (reconstructed) patches, 0 for visible ones.
        norm_pix: normalise each target patch. Default True.
        eps: added to the variance. Default 1e-6.

    Returns:
        Scalar: per-patch MSE averaged over the masked patches.
    """
    if norm_pix:
        mean = target.mean(dim=-1, keepdim=True)
        var = target.var(dim=-1, keepdim=True)
        target = (target - mean) / (var + eps).sqrt()
    per_patch = (pred - target).pow(2).mean(dim=-1)  # N x L
    return (per_patch * mask).sum() / mask.sum()
