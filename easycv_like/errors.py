"""The error types of mistakes a user has to fix (a config key or value, two class lists that
disagree, a command-line choice), and the closest-name hint their messages carry.

They live here, below every other module and importing nothing of the package, so any layer
(data builders, schedulers, hooks, models) raises them without an import cycle; the tools end
on them with one line and exit status 2 (``apis/cli_errors.py``).
"""
import difflib
from typing import Iterable, List


class ConfigError(KeyError, ValueError):
    """A config key or value that cannot work: the message names the dotted key and the fix.

    A ``KeyError`` (unknown keys, as before) and a ``ValueError`` (bad values) at once, so callers
    may catch either; ``str()`` is the plain message, without ``KeyError``'s quotes.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ''


class ClassMismatchError(ValueError):
    """Two parts of a run (model, checkpoint, datasets, a class list and a split's folders)
    disagree on the classes."""


class UsageError(ValueError):
    """A command-line choice that cannot work (e.g. an output file in a folder that is missing)."""


def close_names(name: str, known: Iterable[str], n: int = 1, cutoff: float = 0.6) -> List[str]:
    """The (at most ``n``) names of ``known`` nearest to ``name``, nearest first."""
    return difflib.get_close_matches(str(name), sorted(set(map(str, known))), n=n, cutoff=cutoff)


def closest(name: str, known: Iterable[str], n: int = 1, cutoff: float = 0.6) -> str:
    """`` (did you mean 'x'?)`` (or ``'x', 'y' or 'z'`` with ``n=3``) for the nearest of
    ``known``, or an empty string: the one form of the closest-name hint."""
    names = [repr(m) for m in close_names(name, known, n, cutoff)]
    if not names:
        return ''
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return f' (did you mean {listed}?)'
