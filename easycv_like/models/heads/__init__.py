"""Heads: map backbone/neck features to task outputs and losses."""
from .cls_head import ClsHead

__all__ = ['ClsHead']
