"""Necks: map a backbone's feature tuple to another feature tuple (projections, FPNs)."""
from .batch_norm_neck import BatchNormNeck
from .dino_neck import DINONeck
from .mae_decoder import MAEDecoder
from .mlp_neck import MLPNeck
from .yolox_pafpn import YOLOXPAFPN

__all__ = ['BatchNormNeck', 'DINONeck', 'MAEDecoder', 'MLPNeck', 'YOLOXPAFPN']
