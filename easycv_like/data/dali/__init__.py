"""NVIDIA DALI input pipelines (classification, SSL multi-view, multi-crop) and ``DALILoader``.

Importing this package registers the DALI datasets but does not import DALI itself (an optional
extra: ``pip install -e .[dali]``); ``ops``, ``readers`` and ``pipelines`` do, and are loaded when a
pipeline is built.
"""
from easycv_like.data.dali.base_dataset import DaliBaseDataset
from easycv_like.data.dali.cls_dataset import DaliClsDataset
from easycv_like.data.dali.loader import DALIEpochSampler, DALILoader
from easycv_like.data.dali.multi_crop_dataset import DaliMultiCropDataset
from easycv_like.data.dali.multi_view_dataset import DaliMultiViewDataset
from easycv_like.data.dali.view_spec import ViewSpec

__all__ = ['DALIEpochSampler', 'DALILoader', 'DaliBaseDataset', 'DaliClsDataset',
           'DaliMultiCropDataset', 'DaliMultiViewDataset', 'ViewSpec']
