"""Reading a config file with ``--cfg-options`` overrides."""
import ast
import re
from typing import Any, Optional, Sequence, Union

from mmengine.config import Config, DictAction

from ..engine.config_schema import ConfigError
from .cfg_options import merge_cfg_options
from .config_bases import check_base_files
from .custom_imports import import_custom_modules, missing_module_is_config_error


def load_config(path: str,
                cfg_options: Optional[Union[dict, Sequence[str]]] = None) -> Config:
    """``Config.fromfile`` (``_base_``, ``_delete_``, ``custom_imports``) plus dotted overrides.

    The ``_base_`` chain is checked first (a cycle, a file inherited twice or a missing base
    names the files; two bases setting one key is a ``ConfigError`` too), and every
    override key must exist in the config or the schema unless it starts with ``+``; overrides
    of ``custom_imports`` are imported too.
    """
    check_base_files(path)
    try:
        with missing_module_is_config_error(path):
            cfg = Config.fromfile(path)
    except KeyError as err:  # mmengine's bare KeyError for two bases of a list sharing a key
        message = str(err.args[0]) if err.args else ''
        if not message.startswith('Duplicate key is not allowed among bases'):
            raise
        raise ConfigError(f'{path}: {message}. The files of one _base_ list may not set the '
                          'same key: set it in one of them, or in this file.') from None
    if cfg_options:
        options = cfg_options_dict(cfg_options)
        merge_cfg_options(cfg, options)
        if any(key.lstrip('+').split('.')[0] == 'custom_imports' for key in options):
            import_custom_modules(path, cfg.custom_imports)
    return cfg


def cfg_options_dict(pairs: Optional[Union[Sequence[str], dict]]) -> Optional[dict]:
    """``['a.b=1', 'c=[1,2]']`` (``--cfg-options`` as parsed by ``easycv_like.cli``) -> a dict,
    each value read by :func:`option_value`; a dict or None passes through."""
    if pairs is None or isinstance(pairs, dict):
        return pairs
    if isinstance(pairs, str) or not all(isinstance(p, str) for p in pairs):
        raise ConfigError(f'cfg_options must be a dict or a list of KEY=VALUE strings, got '
                          f'{pairs!r}.')
    options = {}
    for pair in pairs:
        key, sep, value = pair.partition('=')
        if not sep or not key.strip():
            raise ConfigError(f'--cfg-options expects KEY=VALUE pairs, got {pair!r}.')
        options[key.strip()] = option_value(value)
    return options


_CALL = re.compile(r'(^|[\[(,]\s*)[A-Za-z_][\w.]*\(')  # dict(...) as the value or an item


def option_value(text: str) -> Any:
    """One ``--cfg-options`` value: quoted (``'x y'``, ``"1"``) is that string as written; a
    Python literal in brackets or braces (``[1, (2, 3)]``, ``{'a': 1}``) is that literal; else
    mmengine's ``DictAction`` rules (``a,b`` and ``[a, b]`` lists, numbers, ``True``, ``None``),
    except that spaces inside a plain value are kept (DictAction drops them: a path
    ``/my data/x`` became ``/mydata/x``)."""
    value = text.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in '\'"':
        return value[1:-1]
    if value[:1] in '[({':
        try:
            return ast.literal_eval(value)
        except (ValueError, SyntaxError):
            pass
    if _CALL.search(value):  # DictAction would keep it as a string, or recurse without end
        raise ConfigError(f'--cfg-options value {text!r} is a call, which is not read: write a '
                          "dict as {'a': 1}, a list as [1, 2], or quote a string ('...').")
    if value[:1] in '[(' or ',' in value:
        try:
            return DictAction._parse_iterable(value)
        except AssertionError as err:  # mmengine asserts balanced brackets
            raise ConfigError(f'--cfg-options value {text!r}: {err}.') from None
    return DictAction._parse_int_float_bool(value)
