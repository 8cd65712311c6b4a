"""Semantic segmentation metrics (mIoU, accuracies) from a confusion matrix of integer counts."""
from collections.abc import Sequence
from typing import Optional

import numpy as np
import torch
from mmengine.evaluator import BaseMetric

from easycv_like.errors import ConfigError
from easycv_like.evaluation.dedupe import drop_repeats
from easycv_like.registry import METRICS


def confusion_matrix(pred: np.ndarray, gt: np.ndarray, num_classes: int,
                     ignore_index: int = 255) -> np.ndarray:
    """C x C int64 counts: row = ground-truth class, column = predicted class.

    Pixels whose ground truth is ``ignore_index`` are left out. Any other ground-truth value
    outside ``[0, num_classes)`` or a prediction outside it is an error, not a silent drop.
    """
    if pred.shape != gt.shape:
        raise ValueError(f'prediction {pred.shape} and ground truth {gt.shape} differ in size')
    gt = gt.astype(np.int64).ravel()
    pred = pred.astype(np.int64).ravel()
    keep = gt != ignore_index
    gt, pred = gt[keep], pred[keep]
    for name, values in (('ground truth', gt), ('prediction', pred)):
        if values.size and (values.min() < 0 or values.max() >= num_classes):
            bad = int(values.max() if values.max() >= num_classes else values.min())
            raise ValueError(f'{name} holds class {bad}, outside 0..{num_classes - 1} '
                             f'(ignore index {ignore_index})')
    counts = np.bincount(gt * num_classes + pred, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes)


def segmentation_scores(matrix: np.ndarray) -> dict:
    """Per-class IoU and accuracy, their means, and pixel accuracy, as fractions.

    A class absent from both ground truth and prediction has no IoU (NaN) and is left out of the
    means; a class predicted but never present has IoU 0.
    """
    matrix = matrix.astype(np.float64)
    hits = np.diag(matrix)
    gt_count, pred_count = matrix.sum(1), matrix.sum(0)
    union = gt_count + pred_count - hits
    with np.errstate(invalid='ignore', divide='ignore'):
        iou = np.where(union > 0, hits / union, np.nan)
        acc = np.where(gt_count > 0, hits / gt_count, np.nan)
    total = matrix.sum()
    return dict(iou=iou, acc=acc,
                miou=float(np.nanmean(iou)) if np.isfinite(iou).any() else float('nan'),
                macc=float(np.nanmean(acc)) if np.isfinite(acc).any() else float('nan'),
                pixel_acc=float(hits.sum() / total) if total else float('nan'))


_NO_CLASSES = ('SegmentationEvaluator needs the number of classes: the evaluated dataset declares '
               'no classes (SegFolder(classes=None) on every split). Give the training split\'s '
               "source classes=[names] or a classes.txt (evaluation splits take it), or set the "
               'evaluator\'s num_classes.')


@METRICS.register_module()
class SegmentationEvaluator(BaseMetric):
    """mIoU, mean class accuracy and pixel accuracy in percent, plus ``IoU/<class>``.

    Reads the per-image dicts of a segmentor's ``predict``: ``pred_seg_map`` and
    ``gt_seg_map`` (H x W class indices of the same size, the original image's; 255 = ignore).
    Each image adds its confusion matrix (integer counts, so the sum is exact on every rank and in
    any order); repeated ``sample_idx`` values (distributed padding) count once.

    Args:
        num_classes: number of classes. Default None: ``len(dataset_meta['classes'])``.
        ignore_index: ground-truth value left out. Default 255.
        classwise: also report ``IoU/<class name>``. Default True.
        collect_device: 'cpu' or 'gpu'. Default 'cpu'.
        prefix: prefix of the metric names. Default None.
        collect_dir: shared directory for CPU collection. Default None.
    """

    default_prefix = None

    def __init__(self, num_classes: Optional[int] = None, ignore_index: int = 255,
                 classwise: bool = True, collect_device: str = 'cpu',
                 prefix: Optional[str] = None, collect_dir: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix, collect_dir=collect_dir)
        self._num_classes = num_classes
        self.ignore_index = ignore_index
        self.classwise = classwise

    @BaseMetric.dataset_meta.setter
    def dataset_meta(self, dataset_meta: Optional[dict]) -> None:
        """Take the evaluated dataset's metainfo; without a class count anywhere, stop now
        (before training) rather than at the first validation."""
        if dataset_meta is not None and self._num_classes is None \
                and not dataset_meta.get('classes'):
            raise ConfigError(_NO_CLASSES)
        BaseMetric.dataset_meta.fset(self, dataset_meta)

    @property
    def num_classes(self) -> int:
        if self._num_classes is not None:
            return self._num_classes
        classes = (self.dataset_meta or {}).get('classes')
        if not classes:
            raise ConfigError(_NO_CLASSES)
        return len(classes)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Reduce each image to its C x C confusion matrix."""
        for i, sample in enumerate(data_samples):
            if 'gt_seg_map' not in sample or 'pred_seg_map' not in sample:
                raise KeyError('SegmentationEvaluator needs `pred_seg_map` and `gt_seg_map` in '
                               f'every prediction; got keys {sorted(sample)}')
            matrix = confusion_matrix(_numpy(sample['pred_seg_map']),
                                      _numpy(sample['gt_seg_map']), self.num_classes,
                                      self.ignore_index)
            self.results.append(dict(sample_idx=int(sample.get('sample_idx', -1 - i)),
                                     matrix=matrix))

    def compute_metrics(self, results: list) -> dict:
        """``{'mIoU', 'mAcc', 'aAcc'}`` (and ``IoU/<class>``) in percent."""
        indexed = [r for r in results if r['sample_idx'] >= 0]
        results = drop_repeats(indexed, 'sample_idx') + [r for r in results
                                                         if r['sample_idx'] < 0]
        if not results:
            raise ValueError('SegmentationEvaluator got no predictions')
        scores = segmentation_scores(sum(r['matrix'] for r in results))
        metrics = dict(mIoU=100 * scores['miou'], mAcc=100 * scores['macc'],
                       aAcc=100 * scores['pixel_acc'])
        if self.classwise:
            names = (self.dataset_meta or {}).get('classes') or [
                str(c) for c in range(self.num_classes)]
            metrics.update({f'IoU/{name}': 100 * float(v)
                            for name, v in zip(names, scores['iou'])})
        return metrics


def _numpy(value) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    return np.asarray(value)
