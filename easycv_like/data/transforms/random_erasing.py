"""``RandomErasing`` (Zhong et al. 2020): blank a random rectangle of the image."""
from typing import Sequence, Tuple, Union

from torchvision import transforms

from easycv_like.data.transforms.torch_seeded import SeededTorchvisionTransform
from easycv_like.errors import ConfigError
from easycv_like.registry import TRANSFORMS

IMAGENET_MEAN_UINT8 = (124, 116, 104)  # ImageNet's mean RGB, rounded to 0-255 integers


@TRANSFORMS.register_module()
class RandomErasing(SeededTorchvisionTransform):
    """With probability ``prob``, fill a rectangle of ``scale`` x the image's area and aspect
    ratio in ``ratio`` with ``value``; torchvision's ``RandomErasing`` on the uint8 image.

    torchvision's recipes erase after normalisation with 0, i.e. with the mean colour; here the
    image is not normalised yet (the data preprocessor does that), so the default ``value`` is
    ImageNet's mean RGB on the 0-255 scale (rounded: within 0.01 of 0 after normalising).

    Args:
        prob: probability of erasing. torchvision's classification recipes use 0.2 or 0.25.
        scale: range of the erased area, as a fraction of the image.
        ratio: range of the rectangle's aspect ratio.
        value: the fill, one 0-255 value per channel or one for all.
    """

    def __init__(self, prob: float = 0.5, scale: Sequence[float] = (0.02, 0.33),
                 ratio: Sequence[float] = (0.3, 3.3),
                 value: Union[int, Tuple[int, ...]] = IMAGENET_MEAN_UINT8) -> None:
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        if not all(isinstance(v, int) and 0 <= v <= 255 for v in values):
            raise ConfigError(f'RandomErasing.value must be 0-255 integers (the image is uint8), '
                              f'got {value!r}.')
        self.torchvision_transform = transforms.RandomErasing(
            p=prob, scale=tuple(scale), ratio=tuple(ratio), value=value)
