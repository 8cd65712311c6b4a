"""Self-supervised algorithms: one file each, all routed by ``BaseSelfSupervisor``."""
from .base import BaseSelfSupervisor

__all__ = ['BaseSelfSupervisor']
