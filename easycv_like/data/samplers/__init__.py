"""Samplers: every one shards by rank itself (no separate distributed twin)."""
from .epoch_index_sampler import EpochIndexSampler

__all__ = ['EpochIndexSampler']
