"""``RandomAppliedTrans``: apply a group of transforms together, or none of them.

SimCLR/MoCo v2/BYOL apply colour jitter "with probability 0.8" as one group (torchvision's
``RandomApply``); the coin is drawn from ``results['rng']`` (see ``rng.py``).
"""
from collections.abc import Callable, Sequence
from typing import Union

from mmcv.transforms import BaseTransform

from easycv_like.data.transforms.rng import get_rng
from easycv_like.errors import ConfigError
from easycv_like.registry import TRANSFORMS


@TRANSFORMS.register_module()
class RandomAppliedTrans(BaseTransform):
    """With probability ``prob`` run every transform of ``transforms`` in order, else none.

    Args:
        transforms: TRANSFORMS configs (or callables), e.g.
            ``[dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1)]``.
        prob: probability of applying the group. Default 0.8.
    """

    def __init__(self, transforms: Sequence[Union[dict, Callable]], prob: float = 0.8) -> None:
        if not 0.0 <= prob <= 1.0:
            raise ConfigError(f'RandomAppliedTrans prob must be in [0, 1], got {prob}')
        self.transforms = [TRANSFORMS.build(t) if isinstance(t, dict) else t for t in transforms]
        self.prob = float(prob)

    def transform(self, results: dict) -> dict:
        if get_rng(results).random() < self.prob:
            for t in self.transforms:
                results = t(results)
        return results
