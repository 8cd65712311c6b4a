"""Whether this CPU runs bfloat16 natively, so ``--fp16`` on a machine without CUDA pays off.

Without CUDA, ``fp16`` means bfloat16 autocast on the CPU. oneDNN only computes bfloat16 fast
on CPUs with native bfloat16 instructions (x86 AVX512_BF16 or AMX-BF16, Arm BF16); elsewhere
every bfloat16 operation is emulated and a training step is several times slower than float32.
We read the instruction sets torch's own cpuinfo reports instead of timing a benchmark at start:
the answer is immediate, the same on every run, and not disturbed by other jobs on the machine.
"""
from typing import Mapping

import torch

# Capability names (``torch.cpu.get_capabilities()``) that mean native bfloat16 arithmetic.
FAST_BF16_CAPABILITIES = ('avx512_bf16', 'amx_bf16', 'bf16', 'sve_bf16')


def cpu_capabilities() -> Mapping[str, object]:
    """The instruction sets of this CPU as torch detects them (empty when torch cannot tell)."""
    get = getattr(torch.cpu, 'get_capabilities', None)
    return get() if get is not None else {}


def cpu_has_fast_bf16() -> bool:
    """True when this CPU has native bfloat16 instructions (see the module docstring)."""
    caps = cpu_capabilities()
    return any(bool(caps.get(name)) for name in FAST_BF16_CAPABILITIES)


def slow_bf16_reason() -> str:
    """Why ``--fp16`` falls back to float32 on this CPU, for the warning."""
    caps = cpu_capabilities()
    name = caps.get('cpu_name') or 'this CPU'
    return (f'{name} has none of the native bfloat16 instructions '
            f'({", ".join(FAST_BF16_CAPABILITIES)}), so bfloat16 autocast would be emulated and '
            'run several times slower than float32')
