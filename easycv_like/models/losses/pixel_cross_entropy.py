"""Per-pixel cross-entropy for semantic segmentation, with an ignore label."""
import torch
import torch.nn.functional as F


def pixel_cross_entropy(logits: torch.Tensor, target: torch.Tensor,
                        ignore_index: int = 255) -> torch.Tensor:
    """Mean cross-entropy over the pixels whose label is not ``ignore_index``.

    Ignored pixels add nothing to the sum and are not counted in the mean; a batch with no
    labelled pixel gives a zero loss (still connected to ``logits``) rather than NaN.

    Args:
        logits: N x K x H x W unnormalised class scores.
        target: N x H x W class indices in ``0..K-1`` or ``ignore_index``.
        ignore_index: the label of pixels left out. Default 255.

    Returns:
        A scalar tensor.
    """
    if logits.dim() != 4 or target.shape != (logits.shape[0], *logits.shape[2:]):
        raise ValueError(f'pixel_cross_entropy needs logits N x K x H x W and a target N x H x W '
                         f'of the same N, H, W; got {tuple(logits.shape)} and '
                         f'{tuple(target.shape)}.')
    target = target.long()
    labelled = target != ignore_index
    num_classes = logits.shape[1]
    out_of_range = labelled & ((target < 0) | (target >= num_classes))
    if out_of_range.any():
        bad = sorted(set(target[out_of_range].unique().tolist()))
        raise ValueError(f'Segmentation labels {bad[:8]} are outside 0..{num_classes - 1} '
                         f'(num_classes={num_classes}) and are not the ignore label '
                         f'{ignore_index}.')
    if not labelled.any():
        return logits.sum() * 0.0
    return F.cross_entropy(logits.float(), target, ignore_index=ignore_index)
