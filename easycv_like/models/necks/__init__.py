"""Necks: map a backbone's feature tuple to another feature tuple (projections, FPNs)."""
from .mae_decoder import MAEDecoder
from .mlp_neck import MLPNeck

__all__ = ['MAEDecoder', 'MLPNeck']
