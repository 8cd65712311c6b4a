"""CocoDetectionEvaluator against pycocotools run directly on the same detections."""
import contextlib
import io
import json

import numpy as np
import pytest
import torch
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from easycv_like.evaluation import CocoDetectionEvaluator

CAT_IDS = [3, 7]  # non-contiguous file ids -> labels 0, 1


def _ann(ann_id, img_id, cat, box, crowd=0):
    x, y, w, h = box
    return dict(id=ann_id, image_id=img_id, category_id=cat, bbox=list(box), area=w * h,
                iscrowd=crowd)


@pytest.fixture
def ann_file(tmp_path):
    images = [dict(id=i, file_name=f'{i}.jpg', width=200, height=150) for i in (1, 2, 5)]
    anns = [_ann(1, 1, 3, (10, 10, 50, 40)), _ann(2, 1, 7, (100, 60, 30, 30)),
            _ann(3, 2, 7, (20, 20, 120, 100)), _ann(4, 2, 3, (0, 0, 200, 150), crowd=1),
            _ann(5, 2, 3, (150, 100, 20, 15))]  # image 5 has no boxes
    cats = [dict(id=3, name='circle'), dict(id=7, name='square')]
    path = tmp_path / 'val.json'
    path.write_text(json.dumps(dict(images=images, annotations=anns, categories=cats)))
    return str(path)


def _predictions():
    """Per-image detections: xyxy boxes in original pixels, contiguous labels."""
    return [
        dict(img_id=1, bboxes=torch.tensor([[12., 11., 58., 52.], [98., 62., 131., 92.],
                                            [0., 0., 20., 20.]]),
             scores=torch.tensor([0.9, 0.8, 0.3]), labels=torch.tensor([0, 1, 1])),
        dict(img_id=2, bboxes=torch.tensor([[25., 18., 140., 125.], [150., 100., 171., 114.]]),
             scores=torch.tensor([0.7, 0.6]), labels=torch.tensor([1, 0])),
        dict(img_id=5, bboxes=torch.zeros(0, 4), scores=torch.zeros(0),
             labels=torch.zeros(0, dtype=torch.long)),
    ]


def _direct_stats(ann_file, predictions):
    """COCOeval on the same detections, written out by hand."""
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(ann_file)
        dets = []
        for p in predictions:
            for box, score, label in zip(p['bboxes'].tolist(), p['scores'].tolist(),
                                         p['labels'].tolist()):
                dets.append(dict(image_id=p['img_id'], category_id=CAT_IDS[label], score=score,
                                 bbox=[box[0], box[1], box[2] - box[0], box[3] - box[1]]))
        coco_eval = COCOeval(gt, gt.loadRes(dets), 'bbox')
        coco_eval.evaluate()
        coco_eval.accumulate()
        coco_eval.summarize()
    return coco_eval.stats


def _evaluate(evaluator, predictions, size=None):
    evaluator.process({}, predictions)
    return evaluator.evaluate(size or len(evaluator.results))


def test_equals_pycocotools_on_the_same_detections(ann_file):
    evaluator = CocoDetectionEvaluator(classwise=True)
    evaluator.dataset_meta = dict(ann_file=ann_file, cat_ids=CAT_IDS,
                                  classes=('circle', 'square'))
    metrics = _evaluate(evaluator, _predictions())
    stats = _direct_stats(ann_file, _predictions())
    assert metrics['mAP'] == pytest.approx(100 * stats[0])
    assert metrics['mAP50'] == pytest.approx(100 * stats[1])
    assert metrics['mAP75'] == pytest.approx(100 * stats[2])
    assert metrics['AR100'] == pytest.approx(100 * stats[8])
    assert 0 < metrics['mAP'] < 100
    assert set(metrics) >= {'AP/circle', 'AP/square'}


def test_repeated_images_from_distributed_padding_count_once(ann_file):
    evaluator = CocoDetectionEvaluator(ann_file=ann_file)
    evaluator.dataset_meta = dict(cat_ids=CAT_IDS)
    preds = _predictions()
    metrics = _evaluate(evaluator, preds + preds[:1])
    assert metrics['mAP'] == pytest.approx(100 * _direct_stats(ann_file, preds)[0])


def test_no_detections_at_all_gives_zero_ap(ann_file):
    evaluator = CocoDetectionEvaluator(ann_file=ann_file)
    empty = [dict(img_id=i, bboxes=np.zeros((0, 4)), scores=np.zeros(0),
                  labels=np.zeros(0, np.int64)) for i in (1, 2, 5)]
    assert _evaluate(evaluator, empty)['mAP'] == 0.0


def test_unknown_image_and_label_are_named(ann_file):
    evaluator = CocoDetectionEvaluator(ann_file=ann_file)
    bad = dict(img_id=99, bboxes=np.zeros((0, 4)), scores=np.zeros(0), labels=np.zeros(0))
    with pytest.raises(KeyError, match='99'):
        _evaluate(evaluator, [bad])
    evaluator = CocoDetectionEvaluator(ann_file=ann_file)
    bad = dict(img_id=1, bboxes=np.ones((1, 4)), scores=np.ones(1), labels=np.array([5]))
    with pytest.raises(ValueError, match='label 5'):
        _evaluate(evaluator, [bad])


def test_missing_ann_file_is_an_error():
    evaluator = CocoDetectionEvaluator()
    with pytest.raises(ValueError, match='ann_file'):
        _evaluate(evaluator, _predictions())


def test_only_the_datasets_categories_are_averaged(ann_file):
    """A source keeping one category (``classes=['square']``): perfect boxes of it give 100,
    not 50 (the other category's boxes, never predicted, must not count)."""
    evaluator = CocoDetectionEvaluator(classwise=True)
    evaluator.dataset_meta = dict(ann_file=ann_file, cat_ids=[7], classes=['square'])
    perfect = [dict(img_id=1, bboxes=np.array([[100., 60., 130., 90.]]), scores=np.ones(1),
                    labels=np.zeros(1, np.int64)),
               dict(img_id=2, bboxes=np.array([[20., 20., 140., 120.]]), scores=np.ones(1),
                    labels=np.zeros(1, np.int64))]
    metrics = _evaluate(evaluator, perfect)
    assert metrics['mAP'] == pytest.approx(100.0) and metrics['AR100'] == pytest.approx(100.0)
    assert metrics['AP/square'] == pytest.approx(100.0) and 'AP/circle' not in metrics


def test_a_dataset_without_ground_truth_is_refused_when_the_evaluator_gets_it(ann_file):
    evaluator = CocoDetectionEvaluator()
    with pytest.raises(ValueError, match='ground truth of the evaluated split.*ann_file'):
        evaluator.dataset_meta = dict(classes=['a', 'b'])  # no ann_file, no coco_gt
    evaluator = CocoDetectionEvaluator(ann_file=ann_file)
    evaluator.dataset_meta = dict(classes=['circle', 'square'])
    assert evaluator.dataset_meta == dict(classes=['circle', 'square'])


def test_voc_xml_dataset_is_scored_with_difficult_objects_ignored(tmp_path):
    """Two images of VOC XML: a dog (difficult person beside it) and a cat + a dog. Perfect dog
    boxes, a detection on the difficult person, and a cat missed: the person is neither required
    nor a false positive (AP 'person' has no ground truth), dog AP 100, cat AP 0 -> mAP50 50."""
    from easycv_like.data.datasets import DetDataset

    from ..data.test_voc import _write
    _write(tmp_path, 'a', [('dog', 0, (1, 2, 20, 20)), ('person', 1, (25, 5, 50, 40))])
    _write(tmp_path, 'b', [('cat', 0, (1, 1, 30, 30)), ('dog', 0, (31, 5, 50, 35))])
    dataset = DetDataset(dict(type='VocXml', root=str(tmp_path), classes=['cat', 'dog', 'person']),
                         pipeline=[])
    assert 'coco_gt' not in dataset.metainfo  # checkpoints store metainfo: kept light
    evaluator = CocoDetectionEvaluator(classwise=True)
    evaluator.dataset_meta = dataset.evaluation_meta
    predictions = [
        dict(img_id=0, bboxes=np.array([[0., 1., 20., 20.], [24., 4., 50., 40.]]),
             scores=np.array([0.9, 0.8]), labels=np.array([1, 2])),
        dict(img_id=1, bboxes=np.array([[30., 4., 50., 35.]]), scores=np.array([0.7]),
             labels=np.array([1]))]
    metrics = _evaluate(evaluator, predictions)
    assert metrics['AP/dog'] == pytest.approx(100.0) and metrics['AP/cat'] == pytest.approx(0.0)
    assert np.isnan(metrics['AP/person'])
    assert metrics['mAP50'] == pytest.approx(50.0) and metrics['mAP'] == pytest.approx(50.0)
