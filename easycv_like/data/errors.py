"""``BadSampleError``: raised for a sample whose file cannot be used (unreadable, empty, truncated,
not an image). ``ClassMismatchError`` (two class lists that disagree) is a user error of
``easycv_like/errors.py``, importable from here as before.

A type of its own lets a dataset tell a bad file apart from a bug in a transform: only this error
is eligible for the skip-and-replace policy of ``max_bad_samples``.
"""
from collections.abc import Sequence
from typing import Optional

from easycv_like.errors import ClassMismatchError

__all__ = ['BadSampleError', 'ClassMismatchError']


class BadSampleError(ValueError):
    """A sample that cannot be read or decoded.

    Args:
        message: what is wrong; it names the offending file(s).
        paths: the offending file paths (empty for in-memory samples).

    ``config_path`` is the config entry of the dataset that read the file, when the loop that
    iterated it knows it (``eval_pipelines[0].data``); None: the training data.
    """

    config_path: Optional[str] = None

    def __init__(self, message: str, paths: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.paths = tuple(paths)

