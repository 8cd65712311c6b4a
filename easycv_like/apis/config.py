"""Reading a config file with ``--cfg-options`` overrides."""
import argparse
from typing import Optional, Sequence, Union

from mmengine.config import Config, DictAction

from .cfg_options import merge_cfg_options
from .config_bases import check_base_files


def load_config(path: str,
                cfg_options: Optional[Union[dict, Sequence[str]]] = None) -> Config:
    """``Config.fromfile`` (``_base_``, ``_delete_``, ``custom_imports``) plus dotted overrides.

    The ``_base_`` chain is checked first (a cycle or a missing base names the files), and every
    override key must exist in the config or the schema unless it starts with ``+``.
    """
    check_base_files(path)
    cfg = Config.fromfile(path)
    if cfg_options:
        merge_cfg_options(cfg, cfg_options_dict(cfg_options))
    return cfg


def cfg_options_dict(pairs: Optional[Union[Sequence[str], dict]]) -> Optional[dict]:
    """``['a.b=1', 'c=[1,2]']`` (``--cfg-options`` as parsed by ``easycv_like.cli``) -> a dict,
    values parsed as mmengine's ``DictAction`` does; a dict or None passes through."""
    if pairs is None or isinstance(pairs, dict):
        return pairs
    for pair in pairs:
        if '=' not in pair:
            raise ValueError(f'--cfg-options expects KEY=VALUE pairs, got {pair!r}.')
    namespace = argparse.Namespace()
    DictAction(option_strings=['--cfg-options'], dest='cfg_options')(None, namespace, list(pairs))
    return namespace.cfg_options
