"""Datasets: a data source plus a transform pipeline, with per-sample deterministic randomness."""
from easycv_like.data.datasets.base_dataset import BaseDataset
from easycv_like.data.datasets.cls_dataset import ClsDataset

__all__ = ['BaseDataset', 'ClsDataset']
