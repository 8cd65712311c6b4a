"""Necks: map a backbone's feature tuple to another feature tuple (projections, FPNs)."""
from .dino_neck import DINONeck
from .mae_decoder import MAEDecoder
from .mlp_neck import MLPNeck

__all__ = ['DINONeck', 'MAEDecoder', 'MLPNeck']
