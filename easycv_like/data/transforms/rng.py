"""``get_rng``: the random generator a random transform must draw from.

Augmentation is a function of (seed, epoch, sample index): the dataset puts
``np.random.default_rng([seed, epoch, index])`` in ``results['rng']``, so an item is the same in
the main process and in any DataLoader worker, and never depends on global RNG state.
"""
import numpy as np


def get_rng(results: dict) -> np.random.Generator:
    """Return ``results['rng']``; a fresh unseeded generator when absent (e.g. at inference)."""
    rng = results.get('rng')
    return rng if rng is not None else np.random.default_rng()
