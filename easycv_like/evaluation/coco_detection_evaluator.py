"""COCO box mAP of a detector's per-image predictions, computed by pycocotools' ``COCOeval``."""
import contextlib
import io
import logging
from typing import Optional

from mmengine.logging import print_log
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from easycv_like.data.sources.coco_json import coco_from_dict
from easycv_like.evaluation.base_detection_evaluator import BaseDetectionEvaluator
from easycv_like.registry import METRICS

# COCOeval.stats index -> our metric name (AP averaged over IoU 0.50:0.95 unless named)
STAT_NAMES = ('mAP', 'mAP50', 'mAP75', 'mAP_small', 'mAP_medium', 'mAP_large',
              'AR1', 'AR10', 'AR100', 'AR_small', 'AR_medium', 'AR_large')


def empty_results(coco_gt: COCO) -> COCO:
    """A result index with no detections (``COCO.loadRes`` cannot take an empty list)."""
    return coco_from_dict(dict(images=list(coco_gt.dataset['images']),
                               categories=list(coco_gt.dataset.get('categories', [])),
                               annotations=[]))


@METRICS.register_module()
class CocoDetectionEvaluator(BaseDetectionEvaluator):
    """COCO box AP / AR in percent: ``{'mAP': 40.5, 'mAP50': ..., 'mAP75': ..., 'mAP_small': ...}``.

    Reads the per-image dicts of a detector's ``predict`` (``img_id``; ``bboxes`` K x 4 xyxy in
    original image pixels; ``scores`` K; ``labels`` K contiguous class indices) and maps labels
    back to the annotation file's category ids through the dataset's ``cat_ids``. The ground truth
    is the COCO json named by ``ann_file`` (default: the dataset's ``metainfo['ann_file']``, else
    its ``coco_gt``: a VOC XML source's annotations as a COCO dict, difficult objects as crowd
    regions), so crowd boxes and area ranges follow COCO's own rules; its boxes are clipped to
    their images and those without area there left out, as training saw them. Images of the
    file that were not evaluated are left out, so a subset or a shard gives the figures of that
    subset; categories the dataset does not label (``Coco(classes=[...])`` keeping some) are left
    out of the means.

    Args:
        ann_file: COCO json of the evaluated split. Default None: the dataset's metainfo.
        classwise: also report ``AP/<class name>`` for every category. Default False.
        collect_device: 'cpu' or 'gpu', to gather results across ranks. Default 'cpu'.
        prefix: prefix of the metric names. Default None (the multi-dataset loop adds one).
        collect_dir: shared directory for CPU collection. Default None.
    """

    def __init__(self, ann_file: Optional[str] = None, classwise: bool = False,
                 collect_device: str = 'cpu', prefix: Optional[str] = None,
                 collect_dir: Optional[str] = None):
        super().__init__(ann_file=ann_file, collect_device=collect_device, prefix=prefix,
                         collect_dir=collect_dir)
        self.classwise = classwise

    def compute_metrics(self, results: list) -> dict:
        """Run COCOeval on every gathered image; see the class docstring for the keys."""
        coco_gt, ann_file, cat_ids, results = self.ground_truth(results)
        img_ids = [r['img_id'] for r in results]
        detections = list(self._detections(results, cat_ids))
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
    def _detections(results: list, cat_ids: list):
        """COCO result dicts (xywh boxes, file category ids) of every kept detection."""
        for r in results:
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


def _percent(value: float) -> float:
    """COCOeval's fraction as percent; its -1 (no ground truth in that range) stays -1."""
    return float(value) * 100.0 if value >= 0 else -1.0
