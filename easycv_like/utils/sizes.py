"""``as_pair``: the one reading of a size argument (an int for a square, or (h, w)), shared by
the cv2 transforms and the batch-level resize of the models."""
import numbers
from collections.abc import Sequence
from typing import Union

from easycv_like.errors import ConfigError

Size = Union[int, Sequence[int]]


def as_pair(size: Size, what: str = 'size') -> tuple[int, int]:
    """``size`` as (h, w): an int means a square; anything but positive integer sizes is a
    ``ConfigError`` naming ``what`` (it would otherwise fail in OpenCV or ``F.interpolate``
    mid-training, or be truncated silently)."""
    pair = (size, size) if isinstance(size, numbers.Integral) else tuple(size)
    if len(pair) != 2 or any(isinstance(v, bool) or not isinstance(v, numbers.Integral) or v <= 0
                             for v in pair):
        raise ConfigError(f'{what} must be a positive int or (h, w) of positive ints, got '
                          f'{size!r}.')
    return int(pair[0]), int(pair[1])
