"""The names of data sources: one vocabulary for the CPU path, DALI and the TFRecord converter.

Every name is the registered class name of a DATA_SOURCES source (``data/sources``), the name a
config's ``data_source=dict(type=...)`` uses. DALI datasets (``source=dict(type=...)``) and
``tools/convert_to_tfrecord.py --src-type`` take the same names. Plain constants, no imports, so a
tool can offer them before torch is loaded.
"""
from collections.abc import Sequence

from .errors import close_names

#: what tools/convert_to_tfrecord.py can read and write out as TFRecord shards
CONVERTIBLE_SOURCES = ('ImageList', 'ImageFolder', 'Cifar')
#: what a DALI dataset's reader can read
DALI_SOURCES = ('TFRecord', 'ImageList', 'ImageFolder')
#: spellings used before the vocabulary was shared; still accepted, mapped to the names above
FORMER_NAMES = {'list': 'ImageList', 'file_list': 'ImageList', 'folder': 'ImageFolder',
                'cifar': 'Cifar', 'tfrecord': 'TFRecord'}


def source_name(name: str, allowed: Sequence[str], what: str = 'source type') -> str:
    """The registered name for ``name`` (itself, or a former spelling's replacement).

    Raises:
        ValueError: ``name`` is not in ``allowed``; the message names the closest names.
    """
    canonical = FORMER_NAMES.get(name, name)
    if canonical in allowed:
        return canonical
    close = close_names(name, list(allowed) + list(FORMER_NAMES))
    hint = f' (did you mean {FORMER_NAMES.get(close[0], close[0])!r}?)' if close else ''
    raise ValueError(f'Unknown {what} {name!r}{hint}; choose one of {tuple(allowed)}.')
