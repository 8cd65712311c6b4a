"""Reading a config file with ``--cfg-options`` overrides."""
from typing import Optional

from mmengine.config import Config

from .cfg_options import merge_cfg_options
from .config_bases import check_base_files


def load_config(path: str, cfg_options: Optional[dict] = None) -> Config:
    """``Config.fromfile`` (``_base_``, ``_delete_``, ``custom_imports``) plus dotted overrides.

    The ``_base_`` chain is checked first (a cycle or a missing base names the files), and every
    override key must exist in the config or the schema unless it starts with ``+``.
    """
    check_base_files(path)
    cfg = Config.fromfile(path)
    if cfg_options:
        merge_cfg_options(cfg, dict(cfg_options))
    return cfg
