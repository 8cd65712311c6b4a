"""Semantic segmentation: algorithm base (mode routing, label maps at original size)."""
from .base import BaseSegmentor, map_to_original

__all__ = ['BaseSegmentor', 'map_to_original']
