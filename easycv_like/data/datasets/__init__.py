"""Datasets: a data source plus a transform pipeline, with per-sample deterministic randomness."""
from easycv_like.data.datasets.base_dataset import BaseDataset
from easycv_like.data.datasets.cls_dataset import ClsDataset
from easycv_like.data.datasets.det_dataset import DetDataset
from easycv_like.data.datasets.seg_dataset import SegDataset
from easycv_like.data.datasets.knn_dataset import KNNDataset
from easycv_like.data.datasets.mixed_images_dataset import MixedImagesDataset
from easycv_like.data.datasets.multi_view_dataset import MultiViewDataset

__all__ = ['BaseDataset', 'ClsDataset', 'KNNDataset', 'MultiViewDataset', 'DetDataset',
           'MixedImagesDataset', 'SegDataset']
