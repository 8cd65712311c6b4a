"""``build_momentum_copy``: the frozen target/teacher twin of an online module."""
from torch import nn

from ...registry import MODELS


def build_momentum_copy(cfg: dict, online: nn.Module) -> nn.Module:
    """Build ``cfg`` again, start it from ``online``'s weights and freeze it.

    The copy is rebuilt from the config rather than deep-copied so that a backbone with
    stochastic depth gets none in its copy (``drop_path_rate=0``): DINO's teacher and MoBY's
    target encoder run without it. Only ``MomentumUpdateHook`` changes the copy afterwards.

    Args:
        cfg: the MODELS config ``online`` was built from.
        online: the trained module.
    """
    cfg = dict(cfg)
    if 'drop_path_rate' in cfg:
        cfg['drop_path_rate'] = 0.0
    target = MODELS.build(cfg)
    target.load_state_dict(online.state_dict())
    target.requires_grad_(False)
    return target

