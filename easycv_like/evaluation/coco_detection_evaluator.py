"""COCO box mAP of a detector's per-image predictions, computed by pycocotools' ``COCOeval``."""
import contextlib
import io
import logging
from collections.abc import Sequence
from typing import Optional

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from easycv_like.evaluation.dedupe import drop_repeats
from easycv_like.registry import METRICS

# COCOeval.stats index -> our metric name (AP averaged over IoU 0.50:0.95 unless named)
STAT_NAMES = ('mAP', 'mAP50', 'mAP75', 'mAP_small', 'mAP_medium', 'mAP_large',
              'AR1', 'AR10', 'AR100', 'AR_small', 'AR_medium', 'AR_large')
_NO_ANN_FILE = ('CocoDetectionEvaluator needs the ground truth of the evaluated split: set its '
                '`ann_file` (a COCO json), or evaluate a dataset over a box source (`Coco` names '
                'its file, `VocXml` gives its annotations as a COCO index).')


def load_coco(ann_file: str) -> COCO:
    """pycocotools' COCO index of ``ann_file``, without its progress prints."""
    with contextlib.redirect_stdout(io.StringIO()):
        return COCO(ann_file)


def coco_from_dict(dataset: dict) -> COCO:
    """pycocotools' COCO index of an in-memory COCO-format dict (a source's ``coco_gt``)."""
    coco = COCO()
    coco.dataset = dataset
    with contextlib.redirect_stdout(io.StringIO()):
        coco.createIndex()
    return coco


def empty_results(coco_gt: COCO) -> COCO:
    """A result index with no detections (``COCO.loadRes`` cannot take an empty list)."""
    return coco_from_dict(dict(images=list(coco_gt.dataset['images']),
                               categories=list(coco_gt.dataset.get('categories', [])),
                               annotations=[]))


@METRICS.register_module()
class CocoDetectionEvaluator(BaseMetric):
    """COCO box AP / AR in percent: ``{'mAP': 40.5, 'mAP50': ..., 'mAP75': ..., 'mAP_small': ...}``.

    Reads the per-image dicts of a detector's ``predict`` (``img_id``; ``bboxes`` K x 4 xyxy in
    original image pixels; ``scores`` K; ``labels`` K contiguous class indices) and maps labels
    back to the annotation file's category ids through the dataset's ``cat_ids``. The ground truth
    is the COCO json named by ``ann_file`` (default: the dataset's ``metainfo['ann_file']``, else
    its ``coco_gt``: a VOC XML source's annotations as a COCO dict, difficult objects as crowd
    regions), so crowd boxes and area ranges follow COCO's own rules. Images of the file that were
    not evaluated are left out, so a subset or a shard gives the figures of that subset;
    categories the dataset does not label (``Coco(classes=[...])`` keeping some) are left out of
    the means.

    Args:
        ann_file: COCO json of the evaluated split. Default None: the dataset's metainfo.
        classwise: also report ``AP/<class name>`` for every category. Default False.
        collect_device: 'cpu' or 'gpu', to gather results across ranks. Default 'cpu'.
        prefix: prefix of the metric names. Default None (the multi-dataset loop adds one).
        collect_dir: shared directory for CPU collection. Default None.
    """

    default_prefix = None

    def __init__(self, ann_file: Optional[str] = None, classwise: bool = False,
                 collect_device: str = 'cpu', prefix: Optional[str] = None,
                 collect_dir: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix, collect_dir=collect_dir)
        self.ann_file = ann_file
        self.classwise = classwise

    @BaseMetric.dataset_meta.setter
    def dataset_meta(self, dataset_meta: Optional[dict]) -> None:
        """Take the evaluated dataset's metainfo; without a COCO json anywhere, stop now (before
        training) rather than after the first validation's forward passes."""
        if dataset_meta is not None and not (self.ann_file or dataset_meta.get('ann_file')
                                             or dataset_meta.get('coco_gt')):
            raise ValueError(_NO_ANN_FILE)
        BaseMetric.dataset_meta.fset(self, dataset_meta)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Keep each image's detections as CPU numpy arrays."""
        for sample in data_samples:
            if 'img_id' not in sample:
                raise KeyError('CocoDetectionEvaluator needs `img_id` in every prediction; '
                               f'got keys {sorted(sample)}')
            self.results.append(dict(
                img_id=int(sample['img_id']),
                bboxes=_numpy(sample['bboxes'], np.float64).reshape(-1, 4),
                scores=_numpy(sample['scores'], np.float64).reshape(-1),
                labels=_numpy(sample['labels'], np.int64).reshape(-1)))

    def _meta(self, key: str):
        return (self.dataset_meta or {}).get(key)

    def compute_metrics(self, results: list) -> dict:
        """Run COCOeval on every gathered image; see the class docstring for the keys."""
        ann_file = self.ann_file or self._meta('ann_file')
        if ann_file:
            coco_gt = load_coco(ann_file)
        elif self._meta('coco_gt'):
            coco_gt, ann_file = coco_from_dict(self._meta('coco_gt')), 'the source\'s annotations'
        else:
            raise ValueError(_NO_ANN_FILE)
        cat_ids = list(self._meta('cat_ids') or sorted(coco_gt.getCatIds()))
        results = drop_repeats(results, 'img_id')
        img_ids = [r['img_id'] for r in results]
        unknown = sorted(set(img_ids) - set(coco_gt.getImgIds()))
        if unknown:
            raise KeyError(f'Predicted image id(s) {unknown[:5]} are not in {ann_file}.')
        detections = list(self._detections(results, cat_ids, ann_file))
        if detections:
            with contextlib.redirect_stdout(io.StringIO()):
                coco_dt = coco_gt.loadRes(detections)
        else:
            coco_dt = empty_results(coco_gt)
        coco_eval = COCOeval(coco_gt, coco_dt, 'bbox')
        coco_eval.params.imgIds = img_ids
        coco_eval.params.catIds = sorted(cat_ids)  # only the trained categories (`classes=`)
        summary = io.StringIO()
        with contextlib.redirect_stdout(summary):
            coco_eval.evaluate()
            coco_eval.accumulate()
            coco_eval.summarize()
        print_log(f'COCO box evaluation of {len(img_ids)} images ({ann_file}):\n'
                  f'{summary.getvalue().rstrip()}', logger='current', level=logging.INFO)
        metrics = {name: _percent(value) for name, value in zip(STAT_NAMES, coco_eval.stats)}
        if self.classwise:
            metrics.update(self._per_class_ap(coco_eval, coco_gt, cat_ids))
        return metrics

    @staticmethod
    def _detections(results: list, cat_ids: list, ann_file: str):
        """COCO result dicts (xywh boxes, file category ids) of every kept detection."""
        for r in results:
            if len(r['labels']) and (r['labels'].min() < 0 or r['labels'].max() >= len(cat_ids)):
                raise ValueError(f'Image {r["img_id"]}: label {int(r["labels"].max())} is outside '
                                 f'the {len(cat_ids)} categories of {ann_file}.')
            xywh = r['bboxes'].copy()
            xywh[:, 2:] -= xywh[:, :2]
            for box, score, label in zip(xywh, r['scores'], r['labels']):
                yield dict(image_id=r['img_id'], category_id=int(cat_ids[label]),
                           bbox=[float(v) for v in box], score=float(score))

    def _per_class_ap(self, coco_eval: COCOeval, coco_gt: COCO, cat_ids: list) -> dict:
        """AP over IoU 0.50:0.95, all areas, 100 detections, per category (in percent)."""
        precision = coco_eval.eval['precision']  # IoU x recall x category x area x max-dets
        names = self._meta('classes') or [coco_gt.cats[c]['name'] for c in cat_ids]
        metrics = {}
        for cat_id, name in zip(cat_ids, names):
            values = precision[:, :, coco_eval.params.catIds.index(cat_id), 0, -1]
            values = values[values > -1]
            metrics[f'AP/{name}'] = _percent(values.mean()) if values.size else float('nan')
        return metrics


def _numpy(value, dtype) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=dtype)


def _percent(value: float) -> float:
    """COCOeval's fraction as percent; its -1 (no ground truth in that range) stays -1."""
    return float(value) * 100.0 if value >= 0 else -1.0
