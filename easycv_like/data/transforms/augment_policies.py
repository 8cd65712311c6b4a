"""torchvision's augmentation policies (AutoAugment, RandAugment, TrivialAugmentWide) as
pipeline steps on HWC uint8 RGB images, with their randomness drawn from ``results['rng']``."""
from typing import Optional, Sequence, Union

from mmcv.transforms import BaseTransform
from torch import nn
from torchvision import transforms
from torchvision.transforms import AutoAugmentPolicy, InterpolationMode

from easycv_like.data.transforms.torch_seeded import apply_to_hwc, torch_rng_from
from easycv_like.registry import TRANSFORMS

Fill = Optional[Union[int, Sequence[int]]]


def _mode(interpolation: str) -> InterpolationMode:
    try:
        return InterpolationMode(interpolation)
    except ValueError:
        raise ValueError(f'Unknown interpolation {interpolation!r}; choose one of '
                         f'{[m.value for m in InterpolationMode]}.') from None


class TorchvisionPolicy(BaseTransform):
    """Apply ``self.policy`` (a torchvision transform on uint8 tensors) to ``results['img']``."""

    policy: nn.Module  # torchvision's AutoAugment, RandAugment or TrivialAugmentWide

    def transform(self, results: dict) -> dict:
        with torch_rng_from(results):
            results['img'] = apply_to_hwc(self.policy, results['img'])
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}({self.policy!r})'


@TRANSFORMS.register_module()
class AutoAugment(TorchvisionPolicy):
    """AutoAugment (Cubuk et al. 2019): one of the learned sub-policies of ``policy``
    (``'imagenet'``, ``'cifar10'`` or ``'svhn'``) per image; torchvision's implementation.
    ``fill``: value of pixels moved in from outside (default 0, as torchvision)."""

    def __init__(self, policy: str = 'imagenet', interpolation: str = 'nearest',
                 fill: Fill = None) -> None:
        try:
            chosen = AutoAugmentPolicy(policy)
        except ValueError:
            raise ValueError(f'Unknown AutoAugment policy {policy!r}; choose one of '
                             f'{[p.value for p in AutoAugmentPolicy]}.') from None
        self.policy = transforms.AutoAugment(chosen, _mode(interpolation), fill)


@TRANSFORMS.register_module()
class RandAugment(TorchvisionPolicy):
    """RandAugment (Cubuk et al. 2020): ``num_ops`` random operations of strength
    ``magnitude`` (of ``num_magnitude_bins``); torchvision's implementation."""

    def __init__(self, num_ops: int = 2, magnitude: int = 9, num_magnitude_bins: int = 31,
                 interpolation: str = 'nearest', fill: Fill = None) -> None:
        self.policy = transforms.RandAugment(num_ops, magnitude, num_magnitude_bins,
                                             _mode(interpolation), fill)


@TRANSFORMS.register_module()
class TrivialAugmentWide(TorchvisionPolicy):
    """TrivialAugment (Müller & Hutter 2021): one random operation of random strength per
    image; torchvision's implementation."""

    def __init__(self, num_magnitude_bins: int = 31, interpolation: str = 'nearest',
                 fill: Fill = None) -> None:
        self.policy = transforms.TrivialAugmentWide(num_magnitude_bins, _mode(interpolation),
                                                    fill)
