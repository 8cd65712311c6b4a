"""The YOLOX box parametrisation, written once for the head's decoding and the training targets.

Each feature-map cell is a prior ``(x, y, stride_x, stride_y)`` whose ``(x, y)`` is the cell's
top-left corner in input pixels. A raw regression ``(dx, dy, dw, dh)`` decodes to the box centred
at ``(x + dx * s, y + dy * s)`` with size ``(exp(dw) * s, exp(dh) * s)`` (Megvii's convention).
Levels are flattened row-major and concatenated in level order.
"""
from typing import List, Sequence, Tuple

import torch


def grid_priors(featmap_sizes: Sequence[Tuple[int, int]], strides: Sequence[int],
                dtype: torch.dtype = torch.float32,
                device: torch.device = torch.device('cpu')) -> torch.Tensor:
    """N x 4 priors ``(x, y, stride, stride)`` of all levels; N = sum of H * W."""
    priors = []
    for (height, width), stride in zip(featmap_sizes, strides):
        ys, xs = torch.meshgrid(torch.arange(height, device=device, dtype=dtype),
                                torch.arange(width, device=device, dtype=dtype), indexing='ij')
        cells = torch.stack([xs.reshape(-1), ys.reshape(-1)], dim=1) * stride
        priors.append(torch.cat([cells, cells.new_full(cells.shape, float(stride))], dim=1))
    return torch.cat(priors, dim=0)


def flatten_levels(maps: List[torch.Tensor]) -> torch.Tensor:
    """Per-level B x C x H x W maps -> B x N x C, cells row-major, levels concatenated."""
    return torch.cat([m.flatten(2).transpose(1, 2) for m in maps], dim=1)


def decode_boxes(raw: torch.Tensor, priors: torch.Tensor) -> torch.Tensor:
    """Raw ``(dx, dy, dw, dh)`` ... x N x 4 and N x 4 priors -> xyxy boxes in input pixels."""
    centres = raw[..., :2] * priors[:, 2:] + priors[:, :2]
    sizes = raw[..., 2:].exp() * priors[:, 2:]
    return torch.cat([centres - sizes / 2, centres + sizes / 2], dim=-1)


def encode_boxes(boxes: torch.Tensor, priors: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    """Inverse of :func:`decode_boxes` (the L1 targets): xyxy boxes and their priors -> raw."""
    centres = (boxes[..., :2] + boxes[..., 2:]) / 2
    sizes = boxes[..., 2:] - boxes[..., :2]
    return torch.cat([(centres - priors[:, :2]) / priors[:, 2:],
                      torch.log(sizes / priors[:, 2:] + eps)], dim=-1)
