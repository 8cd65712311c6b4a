"""Small DALI augmentation operators, each applied with a probability where the method says so.

Each function takes a DALI ``DataNode`` of HWC uint8 RGB images and returns one. An operator runs
on the device its input lives on (a ``mixed``-decoded image stays on the GPU, a CPU-decoded one on
the CPU); random parameters are drawn per sample on the CPU from the pipeline's seed. Applying
"with probability p" uses DALI conditionals (the pipeline is built with
``enable_conditionals=True``), so a skipped operator costs nothing.
"""
from collections.abc import Sequence

from nvidia.dali import fn, types

_SOLARIZED = [float(k if k < 128 else 255 - k) for k in range(256)]


_INTERP = {'bilinear': types.INTERP_LINEAR, 'bicubic': types.INTERP_CUBIC}


def random_resized_crop(images, size: int, scale: Sequence[float], ratio: Sequence[float],
                        interpolation: str = 'bilinear'):
    """Crop a random area fraction in ``scale`` and aspect ratio in ``ratio``; resize to size
    with ``interpolation`` (``'bilinear'`` or ``'bicubic'``)."""
    return fn.random_resized_crop(images, size=(size, size), random_area=list(scale),
                                  random_aspect_ratio=list(ratio),
                                  interp_type=_INTERP[interpolation])


def resize_center_crop(images, size: int, resize_size: int):
    """Resize the shorter side to ``resize_size``, then take the centre ``size`` x ``size``."""
    return fn.crop(fn.resize(images, resize_shorter=resize_size), crop=(size, size))


def _uniform(low: float, high: float):
    """A per-sample draw in [low, high); the constant itself when the range is empty."""
    return fn.random.uniform(range=[low, high]) if high > low else float(low)


def _factor(strength: float):
    """torchvision's jitter factor: uniform in [max(0, 1 - s), 1 + s]."""
    return _uniform(max(0.0, 1.0 - strength), 1.0 + strength)


def color_jitter(images, brightness: float = 0.0, contrast: float = 0.0,
                 saturation: float = 0.0, hue: float = 0.0, prob: float = 1.0):
    """Random brightness, contrast, saturation and hue (``hue`` in turns), with probability.

    Unlike torchvision the four adjustments are applied in one fixed order (one fused operator).
    """
    if fn.random.coin_flip(probability=prob):
        args = {}
        if brightness:
            args['brightness'] = _factor(brightness)
        if contrast:
            args['contrast'] = _factor(contrast)
        if saturation:
            args['saturation'] = _factor(saturation)
        if hue:
            args['hue'] = _uniform(-360.0 * hue, 360.0 * hue)  # degrees
        images = fn.color_twist(images, **args)
    return images


def random_grayscale(images, prob: float):
    """Replace the image by its grey version (3 equal channels) with probability ``prob``."""
    if fn.random.coin_flip(probability=prob):
        images = fn.color_twist(images, saturation=0.0)
    return images


def gaussian_blur(images, sigma: Sequence[float], prob: float):
    """Blur with a Gaussian of sigma uniform in ``sigma`` (kernel 2 * ceil(3 sigma) + 1)."""
    if fn.random.coin_flip(probability=prob):
        images = fn.gaussian_blur(images, sigma=_uniform(*sigma))
    return images


def solarize(images, prob: float):
    """Invert the pixels >= 128 (``255 - v``) with probability ``prob`` (BYOL)."""
    if fn.random.coin_flip(probability=prob):
        images = fn.lookup_table(images, keys=list(range(256)), values=_SOLARIZED,
                                 dtype=types.UINT8)
    return images


def flip_to_chw(images, prob: float):
    """Mirror left-right with probability ``prob`` and lay out as CHW uint8 (the batch format)."""
    mirror = fn.random.coin_flip(probability=prob) if prob > 0 else 0
    return fn.crop_mirror_normalize(images, dtype=types.UINT8, output_layout='CHW',
                                    mirror=mirror)
