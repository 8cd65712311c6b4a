"""``DetDataset``: a detection data source (COCO, VOC...) run through a box-aware pipeline.

Items follow the "Dense tasks" contract of docs/contracts.md (pipelines end with
``PackDetInputs``); batches need ``collate=dict(type='pad_collate', ...)`` on the dataset entry.
"""
from collections.abc import Callable, Sequence
from typing import Any, Union

from easycv_like.data.datasets.base_dataset import BaseDataset
from easycv_like.registry import DATASETS


@DATASETS.register_module()
class DetDataset(BaseDataset):
    """One image and its boxes per item; augmentation is a function of (seed, epoch, index).

    ``metainfo`` adds what the source knows beyond ``classes``: ``ann_file`` and ``cat_ids``
    (label i is category ``cat_ids[i]`` of the annotation file), used by COCO evaluation;
    ``evaluation_meta`` adds, for a source without a COCO json (``VocXml``), ``coco_gt``.

    Args:
        data_source: a DATA_SOURCES config, e.g. ``dict(type='Coco', ann_file=..., img_root=...)``.
        pipeline: TRANSFORMS configs, ``LoadImage`` ... ``PackDetInputs``.
        seed: seed of the augmentation randomness.
        max_bad_samples: how many distinct bad files may be skipped (see ``BaseDataset``).
    """

    # images of different sizes, samples with different numbers of boxes: batches need padding
    needs_pad_collate = True

    def __init__(self, data_source: Union[dict, Any], pipeline: Sequence[Union[dict, Callable]],
                 seed: int = 0, max_bad_samples: int = 0) -> None:
        super().__init__(data_source, pipeline, seed=seed, max_bad_samples=max_bad_samples)

    @property
    def metainfo(self) -> dict:
        info = super().metainfo
        for key in ('ann_file', 'cat_ids'):
            value = getattr(self.data_source, key, None)
            if value is not None:
                info[key] = list(value) if key == 'cat_ids' else str(value)
        return info

    @property
    def evaluation_meta(self) -> dict:
        """What evaluators get: ``metainfo`` plus, for a source without a COCO json
        (``VocXml``), ``coco_gt``: its annotations as a COCO dict. Kept out of ``metainfo``,
        which every checkpoint stores."""
        info = self.metainfo
        if 'ann_file' not in info and hasattr(self.data_source, 'coco_ground_truth'):
            info['coco_gt'] = self.data_source.coco_ground_truth
        return info

    def aspect_ratio(self, index: int) -> float:
        """Width / height of image ``index`` without decoding it (the source's ``image_size``)."""
        if not hasattr(self.data_source, 'image_size'):
            raise TypeError(f'{type(self.data_source).__name__} has no image_size(); aspect-ratio '
                            'grouping needs a source that knows its image sizes (Coco, VocXml, '
                            'SegFolder).')
        height, width = self.data_source.image_size(index)
        return width / height
