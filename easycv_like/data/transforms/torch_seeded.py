"""Run a torchvision transform on an HWC uint8 image with torch's random draws taken from
``results['rng']``, so it is a function of (seed, epoch, sample index) like every transform here."""
import contextlib
from typing import Callable, Iterator

import numpy as np
import torch

from easycv_like.data.transforms.rng import get_rng


@contextlib.contextmanager
def torch_rng_from(results: dict) -> Iterator[None]:
    """Seed torch's CPU generator from ``results['rng']`` inside; its state outside is kept."""
    seed = int(get_rng(results).integers(2 ** 63 - 1))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


def apply_to_hwc(transform: Callable[[torch.Tensor], torch.Tensor],
                 img: np.ndarray) -> np.ndarray:
    """``transform`` on the image as a C x H x W uint8 tensor; back to an HWC array."""
    chw = torch.from_numpy(np.ascontiguousarray(img)).permute(2, 0, 1)
    return np.ascontiguousarray(transform(chw).permute(1, 2, 0).numpy())
