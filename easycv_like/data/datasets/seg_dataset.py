"""``SegDataset``: a semantic-segmentation data source run through a mask-aware pipeline."""
from collections.abc import Callable, Sequence
from typing import Any, Union

from easycv_like.data.datasets.det_dataset import DetDataset
from easycv_like.data.transforms.loading import LoadSegMap
from easycv_like.registry import DATASETS


@DATASETS.register_module()
class SegDataset(DetDataset):
    """One image and its seg map per item (``LoadImage``, ``LoadSegMap`` ... ``PackSegInputs``),
    e.g. over ``dict(type='SegFolder', img_dir=..., mask_dir=..., classes=[...])``; the same
    machinery as ``DetDataset`` (seed, bad samples, aspect ratios).

    When the source knows its classes, every ``LoadSegMap`` of the pipeline without its own
    ``num_classes`` gets their number, so a mask value outside ``0..C-1`` (other than 255) is an
    error naming the mask file as it is read.
    """

    def __init__(self, data_source: Union[dict, Any], pipeline: Sequence[Union[dict, Callable]],
                 seed: int = 0, max_bad_samples: int = 0) -> None:
        super().__init__(data_source, pipeline, seed=seed, max_bad_samples=max_bad_samples)
        classes = self.metainfo['classes']
        if classes is not None:
            for transform in self.pipeline.transforms:
                if isinstance(transform, LoadSegMap) and transform.num_classes is None:
                    transform.num_classes = len(classes)
