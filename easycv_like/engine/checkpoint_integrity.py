"""What makes a checkpoint unusable: NaN/Inf anywhere, or model values no trained network holds.

The checkpoint hook refuses to write such a file, so every checkpoint on disk holds usable weights.
"""
from typing import Iterator, List

import torch

# sqrt(float32 max) ~ 1.8e19: beyond it a value's square (norms, variances, weight decay)
# overflows to inf. No trained network holds such weights; lr=3e38 produces ~5.7e37.
MAX_MAGNITUDE = 1e19


class NonFiniteCheckpointError(FloatingPointError):
    """A checkpoint would hold NaN/Inf or absurdly large values; it was not written."""


def _float_tensors(value, prefix: str) -> Iterator:
    """(dotted name, tensor) for every floating-point tensor nested in dicts/lists."""
    if isinstance(value, torch.Tensor):
        if value.is_floating_point():
            yield prefix, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _float_tensors(item, f'{prefix}.{key}' if prefix else str(key))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _float_tensors(item, f'{prefix}.{i}')


def broken_tensors(checkpoint: dict) -> List[str]:
    """Descriptions of the tensors that make ``checkpoint`` unusable: non-finite values in
    ``state_dict`` or ``optimizer``, or model values above ``MAX_MAGNITUDE``."""
    problems = []
    for part in ('state_dict', 'optimizer'):
        for name, tensor in _float_tensors(checkpoint.get(part, {}), part):
            tensor = tensor.detach()
            bad = (~torch.isfinite(tensor)).sum().item()
            if bad:
                problems.append(f'{name} ({bad} NaN/Inf values)')
            elif part == 'state_dict' and tensor.numel():
                peak = tensor.abs().max().item()
                if peak > MAX_MAGNITUDE:
                    problems.append(f'{name} (|value| up to {peak:.3g} > {MAX_MAGNITUDE:.0e})')
    return problems
