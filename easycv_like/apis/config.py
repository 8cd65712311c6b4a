"""Reading a config file with ``--cfg-options`` overrides."""
from typing import Optional

from mmengine.config import Config


def load_config(path: str, cfg_options: Optional[dict] = None) -> Config:
    """``Config.fromfile`` (``_base_``, ``_delete_``, ``custom_imports``) plus dotted overrides."""
    cfg = Config.fromfile(path)
    if cfg_options:
        cfg.merge_from_dict(dict(cfg_options))
    return cfg
