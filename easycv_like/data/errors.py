"""``BadSampleError``: raised for a sample whose file cannot be used (unreadable, empty, truncated,
not an image). ``ClassMismatchError``: two class lists that must agree do not (defined here, below
the engine, so data sources raise it too).

A type of its own lets a dataset tell a bad file apart from a bug in a transform: only this error
is eligible for the skip-and-replace policy of ``max_bad_samples``.
"""
from collections.abc import Sequence


class BadSampleError(ValueError):
    """A sample that cannot be read or decoded.

    Args:
        message: what is wrong; it names the offending file(s).
        paths: the offending file paths (empty for in-memory samples).
    """

    def __init__(self, message: str, paths: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.paths = tuple(paths)


class ClassMismatchError(ValueError):
    """Two parts of a run (model, checkpoint, datasets, a class list and a split's folders)
    disagree on the classes; tools report it as a user error (one line, exit status 2)."""
