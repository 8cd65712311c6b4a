"""``ClsDataset``: the image-classification dataset, a data source run through a pipeline.

Each item is one image and its label, as the data contract says:
``{'inputs': C x H x W uint8 tensor, 'data_samples': {'gt_label', 'sample_idx', 'img_path'}}``.
"""
from collections.abc import Callable, Sequence
from typing import Any, Union

from easycv_like.data.datasets.base_dataset import BaseDataset
from easycv_like.registry import DATASETS


@DATASETS.register_module()
class ClsDataset(BaseDataset):
    """One image and its label per item; the pipeline should end with ``PackInputs``.

    Augmentation is a function of (seed, epoch, sample index); bad files follow the policy of
    ``BaseDataset`` (skipped-file counts are per process: each DataLoader worker has its own).

    Args:
        data_source: a DATA_SOURCES config, e.g. ``dict(type='ImageList', list_file=...)``.
        pipeline: TRANSFORMS configs, ``dict(type='LoadImage')`` ... ``dict(type='PackInputs')``.
        seed: seed of the augmentation randomness.
        max_bad_samples: how many distinct bad files may be skipped (0: none, errors propagate).
    """

    def __init__(self, data_source: Union[dict, Any], pipeline: Sequence[Union[dict, Callable]],
                 seed: int = 0, max_bad_samples: int = 0) -> None:
        super().__init__(data_source, pipeline, seed=seed, max_bad_samples=max_bad_samples)
