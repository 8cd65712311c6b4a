"""Reading a config file with ``--cfg-options`` overrides."""
import argparse
from typing import Optional, Sequence, Union

from mmengine.config import Config, DictAction


def load_config(path: str, cfg_options: Optional[dict] = None) -> Config:
    """``Config.fromfile`` (``_base_``, ``_delete_``, ``custom_imports``) plus dotted overrides."""
    cfg = Config.fromfile(path)
    if cfg_options:
        cfg.merge_from_dict(dict(cfg_options))
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
