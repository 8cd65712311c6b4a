"""``SegDataset``: a semantic-segmentation data source run through a mask-aware pipeline."""
from easycv_like.data.datasets.det_dataset import DetDataset
from easycv_like.registry import DATASETS


@DATASETS.register_module()
class SegDataset(DetDataset):
    """One image and its seg map per item (``LoadImage``, ``LoadSegMap`` ... ``PackSegInputs``),
    e.g. over ``dict(type='SegFolder', img_dir=..., mask_dir=..., classes=[...])``; the same
    machinery as ``DetDataset`` (seed, bad samples, aspect ratios)."""
