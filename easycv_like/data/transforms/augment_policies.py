"""torchvision's augmentation policies (AutoAugment, RandAugment, TrivialAugmentWide) as
pipeline steps on HWC uint8 RGB images, with their randomness drawn from ``results['rng']``."""
from typing import Optional, Sequence, Union

from torchvision import transforms
from torchvision.transforms import AutoAugmentPolicy, InterpolationMode

from easycv_like.data.transforms.torch_seeded import SeededTorchvisionTransform
from easycv_like.errors import ConfigError
from easycv_like.registry import TRANSFORMS

Fill = Optional[Union[int, Sequence[int]]]


def _mode(interpolation: str) -> InterpolationMode:
    try:
        return InterpolationMode(interpolation)
    except ValueError:
        raise ConfigError(f'Unknown interpolation {interpolation!r}; choose one of '
                          f'{[m.value for m in InterpolationMode]}.') from None


@TRANSFORMS.register_module()
class AutoAugment(SeededTorchvisionTransform):
    """AutoAugment (Cubuk et al. 2019): one of the learned sub-policies of ``policy``
    (``'imagenet'``, ``'cifar10'`` or ``'svhn'``) per image; torchvision's implementation.
    ``fill``: value of pixels moved in from outside (default 0, as torchvision)."""

    def __init__(self, policy: str = 'imagenet', interpolation: str = 'nearest',
                 fill: Fill = None) -> None:
        try:
            chosen = AutoAugmentPolicy(policy)
        except ValueError:
            raise ConfigError(f'Unknown AutoAugment policy {policy!r}; choose one of '
                              f'{[p.value for p in AutoAugmentPolicy]}.') from None
        self.torchvision_transform = transforms.AutoAugment(chosen, _mode(interpolation), fill)


@TRANSFORMS.register_module()
class RandAugment(SeededTorchvisionTransform):
    """RandAugment (Cubuk et al. 2020): ``num_ops`` random operations of strength
    ``magnitude`` (of ``num_magnitude_bins``); torchvision's implementation."""

    def __init__(self, num_ops: int = 2, magnitude: int = 9, num_magnitude_bins: int = 31,
                 interpolation: str = 'nearest', fill: Fill = None) -> None:
        self.torchvision_transform = transforms.RandAugment(num_ops, magnitude, num_magnitude_bins,
                                             _mode(interpolation), fill)


@TRANSFORMS.register_module()
class TrivialAugmentWide(SeededTorchvisionTransform):
    """TrivialAugment (Müller & Hutter 2021): one random operation of random strength per
    image; torchvision's implementation."""

    def __init__(self, num_magnitude_bins: int = 31, interpolation: str = 'nearest',
                 fill: Fill = None) -> None:
        self.torchvision_transform = transforms.TrivialAugmentWide(
            num_magnitude_bins, _mode(interpolation), fill)
