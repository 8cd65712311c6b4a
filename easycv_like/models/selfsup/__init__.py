"""Self-supervised algorithms: one file each, all routed by ``BaseSelfSupervisor``."""
from .base import BaseSelfSupervisor
from .byol import BYOL
from .dino import DINO
from .mae import MAE
from .moby import MoBY
from .moco import MoCo
from .simclr import SimCLR
from .swav import SwAV

__all__ = ['BaseSelfSupervisor', 'BYOL', 'DINO', 'MAE', 'MoBY', 'MoCo', 'SimCLR', 'SwAV']
