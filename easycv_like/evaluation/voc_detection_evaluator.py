"""Pascal VOC box mAP: per-class AP at one or more IoU thresholds, 'area' (VOC2010+) or
'11points' (VOC2007) integration, ``difficult`` objects neither true nor false positives."""
import logging
from collections.abc import Sequence
from typing import Optional, Union

import numpy as np
import torch
from mmengine.logging import print_log
from pycocotools.coco import COCO
from torchvision.ops import box_iou

from easycv_like.evaluation.base_detection_evaluator import BaseDetectionEvaluator
from easycv_like.registry import METRICS

MODES = ('area', '11points')


def average_precision(recall: np.ndarray, precision: np.ndarray, mode: str = 'area') -> float:
    """AP of one class from its ranked detections' cumulative ``recall`` and ``precision``.

    Both modes first make precision non-increasing in rank (each point takes the best precision
    reached at any equal or higher recall). 'area' sums that precision over every recall step;
    '11points' averages it at recall 0, 0.1, ..., 1 (0 where the recall is never reached); the
    11 points are exactly k/10, so a recall of exactly 3/10 reaches the 0.3 point.
    """
    if mode not in MODES:
        raise ValueError(f'mode must be one of {MODES}, got {mode!r}')
    if len(recall) == 0:
        return 0.0
    best_after = np.maximum.accumulate(precision[::-1])[::-1]
    if mode == 'area':
        steps = np.diff(recall, prepend=0.0)
        return float((steps * best_after).sum())
    points = np.arange(11) / 10
    reached = np.searchsorted(recall, points, side='left')  # first rank with recall >= point
    return float(np.where(reached < len(recall),
                          best_after[np.minimum(reached, len(recall) - 1)], 0.0).mean())


@METRICS.register_module()
class VocDetectionEvaluator(BaseDetectionEvaluator):
    """Pascal VOC mAP in percent: ``{'mAP': 71.2, 'AP50': 71.2}`` (``AP50``, ``AP75``, ... per
    ``iou_thr``; ``mAP`` their mean; ``AP50/<class>`` with ``classwise``).

    Reads the same predict dicts and ground truth as ``CocoDetectionEvaluator`` (the base class:
    a COCO json, or a ``VocXml`` source's annotations, whose ``difficult`` objects are crowd
    regions; a COCO json's crowd boxes are taken as difficult). Per class, detections of all
    images are ranked by score (ties: lower ``img_id`` first, then the predictor's order). Each
    takes the ground-truth box of its class that it overlaps most; at IoU >= ``iou_thr`` it is a
    true positive if that box is not difficult and not taken by a higher-ranked detection (a
    duplicate is a false positive), and is left out if the box is difficult; otherwise a false
    positive. Recall counts the non-difficult boxes. The mean is over the classes with a
    non-difficult box among the evaluated images; the others are left out (``nan`` per class).

    IoU uses continuous coordinates (area = (x2 - x1) * (y2 - y1)), the project's convention for
    predictions and ground truth alike. ``VocXml`` turns the XML's 1-based inclusive pixels into
    ``(xmin - 1, ymin - 1, xmax, ymax)``, so a ground-truth box keeps the devkit's
    ``xmax - xmin + 1`` width; no pixel is added to predictions (mmdet's ``VOCMetric`` adds one to
    both, which can move its figures slightly from these).

    Args:
        iou_thr: IoU threshold(s), each in (0, 1]; ``[0.5, 0.75]`` reports ``AP50`` and ``AP75``.
            Default 0.5.
        mode: 'area' (VOC2010 and later) or '11points' (VOC2007). Default 'area'.
        classwise: also report ``AP<thr>/<class name>`` for every class. Default False.
        ann_file: COCO json of the evaluated split. Default None: the dataset's metainfo.
        collect_device: 'cpu' or 'gpu', to gather results across ranks. Default 'cpu'.
        prefix: prefix of the metric names (``prefix='voc'`` next to a ``CocoDetectionEvaluator``
            in one ``eval_pipelines`` entry, whose ``mAP`` it would otherwise repeat). Default
            None (the multi-dataset loop adds the entry's name).
        collect_dir: shared directory for CPU collection. Default None.
    """

    def __init__(self, iou_thr: Union[float, Sequence[float]] = 0.5, mode: str = 'area',
                 classwise: bool = False, ann_file: Optional[str] = None,
                 collect_device: str = 'cpu', prefix: Optional[str] = None,
                 collect_dir: Optional[str] = None):
        super().__init__(ann_file=ann_file, collect_device=collect_device, prefix=prefix,
                         collect_dir=collect_dir)
        thrs = [iou_thr] if isinstance(iou_thr, (int, float)) else list(iou_thr)
        if not thrs or any(not 0 < float(t) <= 1 for t in thrs):
            raise ValueError(f'iou_thr must be one or more IoU thresholds in (0, 1], got '
                             f'{iou_thr!r}')
        names = [f'AP{round(float(t) * 100)}' for t in thrs]
        if len(set(names)) < len(names):
            raise ValueError(f'iou_thr {thrs} gives the same metric name twice ({names}): give '
                             'thresholds that differ in percent.')
        if mode not in MODES:
            raise ValueError(f'mode must be one of {MODES}, got {mode!r}')
        self.iou_thrs = dict(zip(names, (float(t) for t in thrs)))
        self.mode = mode
        self.classwise = classwise

    def compute_metrics(self, results: list) -> dict:
        """Match, rank and integrate per class and threshold; see the class docstring."""
        coco_gt, source, cat_ids, results = self.ground_truth(results)
        results = sorted(results, key=lambda r: r['img_id'])  # rank-split independent ties
        gts = [_image_ground_truth(coco_gt, r['img_id'], cat_ids) for r in results]
        num_gts = np.bincount(np.concatenate([g[1][~g[2]] for g in gts] + [[]]).astype(np.int64),
                              minlength=len(cat_ids))
        if not num_gts.any():
            raise ValueError(f'No ground-truth box (difficult ones aside) of the {len(cat_ids)} '
                             f'classes in the {len(results)} evaluated images of {source}: VOC '
                             'mAP is undefined.')
        dets = _best_matches(results, gts)
        names = self._meta('classes') or [coco_gt.cats[c]['name'] for c in cat_ids]
        metrics, table = {}, {}
        for key, thr in self.iou_thrs.items():
            aps = _class_aps(dets, num_gts, thr, self.mode)
            metrics[key] = float(np.nanmean(aps)) * 100.0
            table[key] = aps
            if self.classwise:
                metrics.update({f'{key}/{name}': float(ap) * 100.0 for name, ap in zip(names, aps)})
        mean = float(np.mean([metrics[key] for key in self.iou_thrs]))
        lines = [f'{name}: {int(n)} boxes, ' + ', '.join(f'{key} {table[key][c] * 100:.2f}'
                                                          for key in table)
                 for c, (name, n) in enumerate(zip(names, num_gts))]
        print_log(f'VOC box evaluation ({self.mode}) of {len(results)} images ({source}): '
                  f'mAP {mean:.2f}\n' + '\n'.join(lines), logger='current', level=logging.INFO)
        return {'mAP': mean, **metrics}


def _image_ground_truth(coco_gt: COCO, img_id: int, cat_ids: list) -> tuple:
    """``(boxes G x 4 xyxy, labels G, difficult G)`` of one image, its categories outside
    ``cat_ids`` left out; crowd (or ``ignore``) boxes are the difficult ones."""
    label_of = {cat_id: i for i, cat_id in enumerate(cat_ids)}
    anns = [a for a in coco_gt.imgToAnns.get(img_id, []) if a['category_id'] in label_of]
    boxes = np.array([a['bbox'] for a in anns], np.float64).reshape(-1, 4)
    boxes[:, 2:] += boxes[:, :2]
    labels = np.array([label_of[a['category_id']] for a in anns], np.int64)
    difficult = np.array([bool(a.get('iscrowd') or a.get('ignore')) for a in anns], bool)
    return boxes, labels, difficult


def _best_matches(results: list, gts: list) -> dict:
    """Every detection of every image, flat: ``label``, ``score``, and the ground-truth box of
    its label it overlaps most: ``iou`` (0 without one), ``gt`` (a dataset-wide index, -1
    without one) and whether that box is ``difficult``."""
    out = {k: [] for k in ('label', 'score', 'iou', 'gt', 'difficult')}
    offset = 0
    for r, (boxes, labels, difficult) in zip(results, gts):
        iou = box_iou(torch.from_numpy(r['bboxes']), torch.from_numpy(boxes)).numpy()  # K x G
        iou[r['labels'][:, None] != labels[None, :]] = -1.0
        best = iou.argmax(axis=1) if len(boxes) else np.zeros(len(iou), np.int64)
        best_iou = iou[np.arange(len(iou)), best] if len(boxes) else np.zeros(len(iou))
        has = best_iou >= 0
        out['label'].append(r['labels'])
        out['score'].append(r['scores'])
        out['iou'].append(np.where(has, best_iou, 0.0))
        out['gt'].append(np.where(has, best + offset, -1))
        out['difficult'].append(has & difficult[best] if len(boxes) else np.zeros(len(iou), bool))
        offset += len(boxes)
    return {k: np.concatenate(v) if v else np.zeros(0) for k, v in out.items()}


def _class_aps(dets: dict, num_gts: np.ndarray, thr: float, mode: str) -> np.ndarray:
    """AP per class at IoU ``thr`` (``nan`` for a class without non-difficult ground truth)."""
    order = np.argsort(-dets['score'], kind='stable')  # detections are in img_id order
    matched = dets['iou'][order] >= thr
    ignored = matched & dets['difficult'][order]
    claims = np.where(matched & ~ignored, dets['gt'][order], -1)
    first = np.zeros(len(order), bool)  # the highest-ranked detection claiming each box
    _, first_at = np.unique(claims, return_index=True)
    first[first_at] = True
    true_pos = first & (claims >= 0)
    labels = dets['label'][order]
    aps = np.full(len(num_gts), np.nan)
    for c in np.flatnonzero(num_gts):
        keep = (labels == c) & ~ignored
        tp = np.cumsum(true_pos[keep])
        fp = np.cumsum(~true_pos[keep])
        aps[c] = average_precision(tp / num_gts[c], tp / np.maximum(tp + fp, 1), mode)
    return aps
