"""SegmentationEvaluator against mIoU computed by hand, with ignore and absent classes."""
import math

import numpy as np
import pytest

from easycv_like.errors import ConfigError
from easycv_like.evaluation import SegmentationEvaluator
from easycv_like.evaluation.segmentation_evaluator import confusion_matrix


def _sample(pred, gt, idx):
    return dict(pred_seg_map=np.array(pred), gt_seg_map=np.array(gt, np.uint8), sample_idx=idx)


def test_miou_equals_a_hand_computation_with_ignore_and_absent_classes():
    # 4 classes; class 3 appears nowhere (absent: left out of the mean); 255 pixels ignored.
    gt1, pred1 = [[0, 0, 1], [1, 255, 2]], [[0, 1, 1], [1, 2, 2]]
    gt2, pred2 = [[2, 2], [0, 255]], [[2, 0], [0, 1]]
    evaluator = SegmentationEvaluator(num_classes=4)
    evaluator.dataset_meta = dict(classes=('bg', 'circle', 'square', 'triangle'))
    evaluator.process({}, [_sample(pred1, gt1, 0), _sample(pred2, gt2, 1)])
    metrics = evaluator.evaluate(2)
    # counted pixels (gt, pred): (0,0) (0,1) (1,1) (1,1) (2,2) | (2,2) (2,0) (0,0)
    # class 0: hit 2, gt 3, pred 3 -> IoU 2 / 4; class 1: hit 2, gt 2, pred 3 -> 2 / 3;
    # class 2: hit 2, gt 3, pred 2 -> 2 / 3; class 3: absent.
    ious = [2 / 4, 2 / 3, 2 / 3]
    assert metrics['mIoU'] == pytest.approx(100 * sum(ious) / 3)
    assert metrics['aAcc'] == pytest.approx(100 * 6 / 8)
    assert metrics['mAcc'] == pytest.approx(100 * (2 / 3 + 1 + 2 / 3) / 3)
    assert metrics['IoU/circle'] == pytest.approx(100 * 2 / 3)
    assert math.isnan(metrics['IoU/triangle'])


def test_counts_are_integers_and_padding_repeats_count_once():
    evaluator = SegmentationEvaluator(num_classes=2, classwise=False)
    a = _sample([[0, 1]], [[0, 0]], 0)
    evaluator.process({}, [a, _sample([[1, 1]], [[1, 1]], 1), a])
    assert evaluator.results[0]['matrix'].dtype == np.int64
    metrics = evaluator.evaluate(3)
    assert metrics['mIoU'] == pytest.approx(100 * (1 / 2 + 2 / 3) / 2)
    assert set(metrics) == {'mIoU', 'mAcc', 'aAcc'}


def test_predicted_class_never_present_has_iou_zero():
    m = confusion_matrix(np.array([1, 1]), np.array([0, 0]), 2)
    assert m.tolist() == [[0, 2], [0, 0]]
    evaluator = SegmentationEvaluator(num_classes=2)
    evaluator.process({}, [_sample([[1, 1]], [[0, 0]], 0)])
    assert evaluator.evaluate(1)['mIoU'] == 0.0


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match='differ in size'):
        confusion_matrix(np.zeros((2, 2)), np.zeros((2, 3)), 2)
    with pytest.raises(ValueError, match='class 7'):
        confusion_matrix(np.array([7]), np.array([0]), 2)
    evaluator = SegmentationEvaluator()
    with pytest.raises(ValueError, match='num_classes'):
        evaluator.process({}, [_sample([[0]], [[0]], 0)])


def test_a_dataset_without_classes_is_refused_when_the_evaluator_gets_it():
    # a ConfigError, so the tools end on one line (exit 2) instead of a traceback
    with pytest.raises(ConfigError, match='declares no classes'):
        SegmentationEvaluator().dataset_meta = dict(classes=None)
    evaluator = SegmentationEvaluator(num_classes=3)
    evaluator.dataset_meta = dict(classes=None)
    assert evaluator.num_classes == 3
