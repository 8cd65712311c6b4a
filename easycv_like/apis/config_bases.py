"""The ``_base_`` graph of a config file, read without executing anything (``ast``), so a cycle
or a missing base is reported with the files involved before mmengine recurses into them."""
import ast
import os.path as osp
from typing import List, Set

from ..engine.config_schema import ConfigError

CONFIG_EXTENSIONS = ('.py', '.json', '.yml', '.yaml')  # what mmengine's Config.fromfile reads


def base_files(path: str) -> List[str]:
    """Absolute paths of the ``_base_`` files ``path`` names (resolved against its folder).

    Only literal values are read (a string or a list of strings); anything else, and
    package-scoped bases (``'pkg::path'``), is left to mmengine.
    """
    if not path.endswith('.py'):
        return []
    with open(path, encoding='utf-8') as f:
        tree = ast.parse(f.read(), filename=path)
    for node in tree.body:
        if (isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == '_base_' for t in node.targets)):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                return []
            names = [value] if isinstance(value, str) else list(value)
            return [osp.abspath(osp.join(osp.dirname(path), name)) for name in names
                    if isinstance(name, str) and '::' not in name]
    return []


def check_base_files(path: str) -> None:
    """Raise if ``path`` is not a config file (``ConfigError``; ``FileNotFoundError`` if missing)
    or its ``_base_`` chain has a cycle or a file inherited twice through one ``_base_`` list
    (``ConfigError`` naming the files) or names a file that does not exist
    (``FileNotFoundError`` naming the file that asked)."""
    if osp.isdir(path):
        raise ConfigError(f'Config file {path} is a folder; give a config file in it.')
    if not osp.isfile(path):
        raise FileNotFoundError(f'Config file {path} does not exist.')
    if osp.splitext(path)[1] not in CONFIG_EXTENSIONS:
        raise ConfigError(f'Config file {path} is not a config ({", ".join(CONFIG_EXTENSIONS)}); '
                          'check the order of the arguments (--help).')
    _walk(osp.abspath(path), [], set())


def _walk(path: str, chain: List[str], done: Set[str]) -> None:
    if path in chain:
        cycle = chain[chain.index(path):] + [path]
        raise ConfigError(f'_base_ cycle: {" -> ".join(cycle)}. A config cannot inherit from '
                          'itself; remove one of these _base_ entries.')
    if path in done:
        return
    bases = base_files(path)
    for base in bases:
        if not osp.isfile(base):
            raise FileNotFoundError(f'{path} names _base_ file {base}, which does not exist.')
        _walk(base, chain + [path], done)
    _check_no_shared_base(path, bases)
    done.add(path)


def _inherited(path: str) -> Set[str]:
    """``path`` and every file its ``_base_`` chain reads (the chain is checked already)."""
    found = {path}
    for base in base_files(path):
        found |= _inherited(base)
    return found


def _check_no_shared_base(path: str, bases: List[str]) -> None:
    """mmengine merges a ``_base_`` list only when its files share no key, so two bases that
    inherit one file (a diamond) always fail, with a bare ``KeyError`` listing every key of it:
    name the files instead."""
    seen = {}
    for base in bases:
        for common in sorted(_inherited(base)):
            if common in seen:
                raise ConfigError(
                    f'{path}: its _base_ files {seen[common]} and {base} both inherit {common}, '
                    'and mmengine merges a _base_ list only when its files share no key. '
                    'Inherit that file once: make one of them the only base and override the '
                    'rest in this file.')
            seen[common] = base
