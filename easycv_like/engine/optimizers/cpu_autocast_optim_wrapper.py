"""Mixed precision without CUDA: bfloat16 autocast on the CPU."""
from contextlib import contextmanager

import torch
from mmengine.optim import OptimWrapper

from ...registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class CpuAutocastOptimWrapper(OptimWrapper):
    """What ``--fp16`` becomes on a machine without CUDA (mmengine's AmpOptimWrapper needs CUDA).

    CPUs have no fast fp16 matmul, while bfloat16 autocast is supported and keeps fp32's range,
    so no loss scaling is needed.

    Args:
        dtype: autocast dtype, ``'bfloat16'`` (default) or ``'float16'``.
    """

    def __init__(self, *args, dtype: str = 'bfloat16', **kwargs):
        super().__init__(*args, **kwargs)
        self.cast_dtype = getattr(torch, dtype)

    @contextmanager
    def optim_context(self, model):
        with super().optim_context(model), torch.autocast('cpu', dtype=self.cast_dtype):
            yield
