"""What the predictors accept as images: file paths, PIL images and numpy arrays, one or a list.

Everything becomes an H x W x 3 uint8 RGB array (what the inference pipeline expects, as
``LoadImage`` makes for training), with the same pixels whether a file is given by its path or
opened with PIL: the EXIF orientation is applied, alpha is dropped, grey is repeated into three
channels and 16-bit samples keep their top 8 bits, as OpenCV decodes the file. Anything that
cannot be used raises ``ImageInputError`` naming the item (``images[3]``), the file and what is
wrong with it.
"""
import os
import sys
from typing import Any, List, Optional

import numpy as np

from ..data.errors import BadSampleError
from ..data.transforms.loading import decode_image


class ImageInputError(ValueError):
    """An image given to a predictor cannot be used; the message names the item."""


def _is_pil_image(obj: Any) -> bool:
    pil = sys.modules.get('PIL.Image')  # a PIL image can only exist once PIL is imported
    return pil is not None and isinstance(obj, pil.Image)


def as_image_list(images: Any) -> list:
    """One image (path, PIL image, H x W (x C) array) or a sequence of them -> a list.

    A 4-D array is read as N images (N x H x W x C).
    """
    if isinstance(images, (str, os.PathLike)) or _is_pil_image(images):
        return [images]
    if isinstance(images, np.ndarray):
        return list(images) if images.ndim == 4 else [images]
    if isinstance(images, (list, tuple)):
        return list(images)
    raise ImageInputError(
        'Expected an image (a file path, a PIL image or an H x W x 3 uint8 array) or a list of '
        f'them, got {type(images).__name__}.')


def read_image_file(path: Any, name: Optional[str] = None) -> np.ndarray:
    """Decode an image file into an H x W x 3 uint8 RGB array; errors say which file and why.

    ``name`` (e.g. ``'images[2]'``) starts the error message when given.
    """
    path = os.fsdecode(path)
    prefix = f'{name}: ' if name else ''
    if os.path.isdir(path):
        raise ImageInputError(f'{prefix}{path!r} is a folder, not an image file (tools/predict.py '
                              'accepts folders; in Python, list the image files).')
    if not os.path.exists(path):
        raise ImageInputError(f'{prefix}no such file {path!r}.')
    try:
        with open(path, 'rb') as f:
            data = f.read()
        return decode_image(data, path)
    except OSError as err:
        raise ImageInputError(f'{prefix}cannot read {path!r} ({err.strerror or err}).') from err
    except BadSampleError as err:
        raise ImageInputError(f'{prefix}{path!r} is not a usable image: '
                              f'{str(err).split(": ", 1)[-1]}') from err


def array_to_rgb(img: np.ndarray, name: str = 'image') -> np.ndarray:
    """An H x W, H x W x 1, H x W x 3 or H x W x 4 (alpha dropped) uint8 array -> H x W x 3."""
    if img.dtype != np.uint8:
        raise ImageInputError(
            f'{name}: expected a uint8 array (values 0-255), got {img.dtype}; convert it, e.g. '
            '(img * 255).round().astype(np.uint8) for floats in [0, 1], (img >> 8).astype('
            'np.uint8) for 16-bit images (what decoding a 16-bit file gives).')
    if img.ndim == 2:
        img = img[:, :, None]
    if img.ndim != 3 or img.shape[2] not in (1, 3, 4) or 0 in img.shape:
        hint = (' It looks channels-first: use img.transpose(1, 2, 0).'
                if img.ndim == 3 and img.shape[0] in (1, 3, 4) else '')
        raise ImageInputError(f'{name}: expected an H x W x 3 (or H x W, H x W x 1, H x W x 4) '
                              f'array, got shape {tuple(img.shape)}.{hint}')
    if img.shape[2] == 1:
        img = np.repeat(img, 3, axis=2)
    return np.ascontiguousarray(img[:, :, :3])


def pil_to_rgb(img: Any, name: str = 'image') -> np.ndarray:
    """A PIL image -> H x W x 3 uint8 RGB, the pixels ``LoadImage`` decodes from its file.

    ``PIL.Image.open`` ignores the EXIF orientation and ``convert('RGB')`` clips 16-bit grey to
    255, where OpenCV (training) turns the image upright and keeps the top 8 bits.
    """
    from PIL import ImageOps
    img = ImageOps.exif_transpose(img)
    if img.mode.startswith('I;16'):
        return array_to_rgb((np.asarray(img) >> 8).astype(np.uint8), name)
    if img.mode in ('I', 'F'):
        raise ImageInputError(f'{name}: a PIL image of mode {img.mode!r} (32-bit samples) has no '
                              'agreed 8-bit meaning; convert it to uint8 yourself, or give the '
                              'file path.')
    return np.asarray(img.convert('RGB')).copy()


def to_rgb_array(item: Any, name: str = 'image') -> np.ndarray:
    """One path, PIL image or array -> an H x W x 3 uint8 RGB array."""
    if isinstance(item, (str, os.PathLike)):
        return read_image_file(item, name)
    if _is_pil_image(item):
        return pil_to_rgb(item, name)
    if isinstance(item, np.ndarray):
        return array_to_rgb(item, name)
    raise ImageInputError(f'{name}: expected a file path, a PIL image or a uint8 numpy array, '
                          f'got {type(item).__name__}.')


def to_rgb_arrays(images: Any) -> List[np.ndarray]:
    """One image or a list of them (paths, PIL images, arrays, mixed) -> RGB uint8 arrays."""
    items = as_image_list(images)
    if not items:
        raise ImageInputError('No images given.')
    return [to_rgb_array(item, f'images[{i}]') for i, item in enumerate(items)]
