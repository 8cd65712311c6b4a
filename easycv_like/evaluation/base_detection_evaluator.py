"""``BaseDetectionEvaluator``: what every box metric shares, so COCO and VOC figures are taken
from the same predictions and the same ground truth.

Predictions are a detector's per-image ``predict`` dicts, kept as CPU numpy arrays; the ground
truth is the evaluated split's annotations as a pycocotools index (a COCO json, or the in-memory
COCO dict a VOC XML source gives as ``coco_gt``); images repeated to pad the last distributed
batch count once; image ids and labels outside that ground truth are errors naming the file.
"""
from collections.abc import Sequence
from typing import Optional

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from pycocotools.coco import COCO

from easycv_like.data.sources.coco_json import coco_from_dict, fit_to_images, load_coco
from easycv_like.errors import ConfigError
from easycv_like.evaluation.dedupe import drop_repeats


class BaseDetectionEvaluator(BaseMetric):
    """Collects detections and resolves the ground truth; subclasses compute the figures.

    The ground truth is the COCO json named by ``ann_file`` (default: the dataset's
    ``metainfo['ann_file']``, else its ``coco_gt``), its boxes clipped to their images and those
    without area there left out, as in training (``fit_to_images``); label i is category
    ``cat_ids[i]`` of it (the dataset's ``cat_ids``, else the file's ids sorted).

    Args:
        ann_file: COCO json of the evaluated split. Default None: the dataset's metainfo.
        collect_device: 'cpu' or 'gpu', to gather results across ranks. Default 'cpu'.
        prefix: prefix of the metric names. Default None (the multi-dataset loop adds one).
        collect_dir: shared directory for CPU collection. Default None.
    """

    default_prefix = None

    def __init__(self, ann_file: Optional[str] = None, collect_device: str = 'cpu',
                 prefix: Optional[str] = None, collect_dir: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix, collect_dir=collect_dir)
        self.ann_file = ann_file

    def _no_ground_truth(self) -> str:
        return (f'{type(self).__name__} needs the ground truth of the evaluated split: set its '
                '`ann_file` (a COCO json), or evaluate a dataset over a box source (`Coco` names '
                'its file, `VocXml` gives its annotations as a COCO index).')

    @BaseMetric.dataset_meta.setter
    def dataset_meta(self, dataset_meta: Optional[dict]) -> None:
        """Take the evaluated dataset's metainfo; without ground truth anywhere, stop now (before
        training) rather than after the first validation's forward passes."""
        if dataset_meta is not None and not (self.ann_file or dataset_meta.get('ann_file')
                                             or dataset_meta.get('coco_gt')):
            raise ConfigError(self._no_ground_truth())
        BaseMetric.dataset_meta.fset(self, dataset_meta)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Keep each image's detections as CPU numpy arrays."""
        for sample in data_samples:
            if 'img_id' not in sample:
                raise KeyError(f'{type(self).__name__} needs `img_id` in every prediction; '
                               f'got keys {sorted(sample)}')
            self.results.append(dict(
                img_id=int(sample['img_id']),
                bboxes=_numpy(sample['bboxes'], np.float64).reshape(-1, 4),
                scores=_numpy(sample['scores'], np.float64).reshape(-1),
                labels=_numpy(sample['labels'], np.int64).reshape(-1)))

    def _meta(self, key: str):
        return (self.dataset_meta or {}).get(key)

    def ground_truth(self, results: list) -> tuple[COCO, str, list, list]:
        """``(coco_gt, where it came from, cat_ids, results)``: the gathered ``results`` without
        padded repeats, every image id and label checked against the ground truth."""
        ann_file = self.ann_file or self._meta('ann_file')
        if ann_file:
            coco_gt = fit_to_images(load_coco(ann_file))
        elif self._meta('coco_gt'):
            coco_gt, ann_file = coco_from_dict(self._meta('coco_gt')), 'the source\'s annotations'
        else:
            raise ConfigError(self._no_ground_truth())
        cat_ids = list(self._meta('cat_ids') or sorted(coco_gt.getCatIds()))
        results = drop_repeats(results, 'img_id')
        unknown = sorted({r['img_id'] for r in results} - set(coco_gt.getImgIds()))
        if unknown:
            raise KeyError(f'Predicted image id(s) {unknown[:5]} are not in {ann_file}.')
        for r in results:
            if len(r['labels']) and (r['labels'].min() < 0 or r['labels'].max() >= len(cat_ids)):
                bad = int(r['labels'].max() if r['labels'].max() >= len(cat_ids)
                          else r['labels'].min())
                raise ValueError(f'Image {r["img_id"]}: label {bad} is outside the '
                                 f'{len(cat_ids)} categories of {ann_file}.')
        return coco_gt, str(ann_file), cat_ids, results


def _numpy(value, dtype) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=dtype)
