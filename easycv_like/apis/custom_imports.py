"""``custom_imports``: the user modules a config names, imported when it is read (mmengine does it
for the file; ``--cfg-options`` that set the key are imported here, or they would be ignored).
A module that is not on ``sys.path`` is a ``ConfigError`` naming it; an import failing inside the
user's module keeps its traceback."""
import contextlib
from typing import Iterator, Optional

from mmengine.utils import import_modules_from_strings

from ..engine.config_schema import ConfigError


def _missing_module(err: ImportError) -> Optional[str]:
    """The ``custom_imports`` name that does not exist, when ``err`` (mmengine's ``Failed to
    import <name>``, or ``fromfile``'s wrapper of it) is about that name itself."""
    failed = err.__cause__ if str(err).startswith('Failed to import custom modules') else err
    found = getattr(failed, '__context__', None)
    if not isinstance(found, ModuleNotFoundError) or not found.name:
        return None
    name = str(failed).rpartition(' ')[2]
    return name if name == found.name or name.startswith(f'{found.name}.') else None


@contextlib.contextmanager
def missing_module_is_config_error(path: str) -> Iterator[None]:
    """Turn the ``ImportError`` of a ``custom_imports`` module not on ``sys.path`` into a
    ``ConfigError`` naming it and ``path``."""
    try:
        yield
    except ImportError as err:
        missing = _missing_module(err)
        if missing is None:
            raise
        raise ConfigError(f'{path}: custom_imports names module {missing!r}, which is not on '
                          'sys.path. Put the folder that holds it on PYTHONPATH (python '
                          'tools/train.py does not look in the current folder), or correct the '
                          'name.') from None


def import_custom_modules(path: str, custom_imports: Optional[dict]) -> None:
    """Import ``custom_imports`` (``dict(imports=[...], allow_failed_imports=False)``); other
    keys and types are left to the schema check."""
    if isinstance(custom_imports, dict) and custom_imports.get('imports'):
        with missing_module_is_config_error(path):
            import_modules_from_strings(custom_imports['imports'],
                                        custom_imports.get('allow_failed_imports', False))
