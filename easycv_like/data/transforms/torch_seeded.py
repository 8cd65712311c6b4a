"""``SeededTorchvisionTransform``: a torchvision transform as a pipeline step on an HWC uint8
image, with torch's random draws taken from ``results['rng']``, so it is a function of (seed,
epoch, sample index) like every transform here."""
import contextlib
from typing import Iterator

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from torch import nn

from easycv_like.data.transforms.rng import get_rng


@contextlib.contextmanager
def torch_rng_from(results: dict) -> Iterator[None]:
    """Seed torch's CPU generator from ``results['rng']`` inside; its state outside is kept."""
    seed = int(get_rng(results).integers(2 ** 63 - 1))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


class SeededTorchvisionTransform(BaseTransform):
    """Apply ``self.torchvision_transform`` (set by the subclass; it takes and returns a
    C x H x W uint8 tensor) to ``results['img']`` under ``torch_rng_from(results)``."""

    torchvision_transform: nn.Module

    def transform(self, results: dict) -> dict:
        chw = torch.from_numpy(np.ascontiguousarray(results['img'])).permute(2, 0, 1)
        with torch_rng_from(results):
            out = self.torchvision_transform(chw)
        results['img'] = np.ascontiguousarray(out.permute(1, 2, 0).numpy())
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}({self.torchvision_transform!r})'
