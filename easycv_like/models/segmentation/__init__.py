"""Semantic segmentation: algorithm base (mode routing, label maps at original size), the
encoder-decoder ``Segmentation`` and its heads."""
from .aspp_head import ASPPHead
from .base import BaseSegmentor, map_to_original
from .decode_head import BaseDecodeHead
from .fcn_head import FCNHead
from .lraspp_head import LRASPPHead
from .segmentor import Segmentation

__all__ = ['ASPPHead', 'BaseDecodeHead', 'BaseSegmentor', 'FCNHead', 'LRASPPHead',
           'Segmentation', 'map_to_original']
