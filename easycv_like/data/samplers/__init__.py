"""Samplers: every one shards by rank itself (no separate distributed twin)."""
from .aspect_ratio_batch_sampler import AspectRatioBatchSampler
from .epoch_index_sampler import EpochIndexSampler

__all__ = ['AspectRatioBatchSampler', 'EpochIndexSampler']
