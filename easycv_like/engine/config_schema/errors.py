"""The error every config check raises, and the closest-name hint it carries."""
import difflib
from typing import Iterable


class ConfigError(KeyError, ValueError):
    """A config that does not match the schema: the message names the dotted key and the fix.

    A ``KeyError`` (unknown keys, as before) and a ``ValueError`` (bad values) at once, so callers
    may catch either; ``str()`` is the plain message, without ``KeyError``'s quotes.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ''


def closest(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the nearest of ``known``, or an empty string."""
    match = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f' (did you mean {match[0]!r}?)' if match else ''
