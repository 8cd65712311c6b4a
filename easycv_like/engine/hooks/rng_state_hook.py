"""Save and restore the global random states, so code that draws from them (shuffle BN, masking,
drop path) continues the same random stream after a resume."""
import random

import numpy as np
import torch
from mmengine.hooks import Hook

from ...registry import HOOKS


def capture_rng_state() -> dict:
    """Python, numpy, torch (and CUDA) RNG states as tensors and plain values."""
    kind, keys, pos, has_gauss, gauss = np.random.get_state()
    version, internal, gauss_next = random.getstate()
    state = dict(python=[version, list(internal), gauss_next],
                 numpy=[kind, keys.tolist(), pos, has_gauss, gauss],
                 torch=torch.get_rng_state())
    if torch.cuda.is_available():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def restore_rng_state(state: dict) -> None:
    version, internal, gauss_next = state['python']
    random.setstate((version, tuple(internal), gauss_next))
    kind, keys, pos, has_gauss, gauss = state['numpy']
    np.random.set_state((kind, np.array(keys, dtype=np.uint32), pos, has_gauss, gauss))
    torch.set_rng_state(state['torch'])
    if 'cuda' in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state['cuda'])


@HOOKS.register_module()
class RNGStateHook(Hook):
    """Stores the RNG states in every checkpoint; restores them right before training resumes
    (after the Runner has re-seeded), so the resumed run draws what the original would have."""

    priority = 'VERY_LOW'

    def __init__(self) -> None:
        self._pending = None

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint['rng_state'] = capture_rng_state()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        self._pending = checkpoint.get('rng_state')

    def before_train(self, runner) -> None:
        if self._pending is not None and runner.iter > 0:  # a resume, not a load_from
            restore_rng_state(self._pending)
        self._pending = None
