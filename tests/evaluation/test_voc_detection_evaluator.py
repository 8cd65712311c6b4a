"""VocDetectionEvaluator against AP values computed by hand on tiny cases, and once through
``evaluate()`` on a VOC XML folder."""
import numpy as np
import pytest
import torch
from PIL import Image

from easycv_like import evaluate
from easycv_like.errors import ConfigError
from easycv_like.evaluation import VocDetectionEvaluator
from easycv_like.evaluation.voc_detection_evaluator import average_precision

from ..data.test_voc import OBJ, XML

CLASSES = ['dog', 'cat']
XML_64 = XML.replace('<width>50</width><height>40</height>', '<width>64</width><height>64</height>')


def _coco_gt(images: dict) -> dict:
    """``{img_id: [(label, xyxy, difficult), ...]}`` as the COCO dict a VocXml source gives
    (category i + 1 = label i; difficult objects as crowd regions)."""
    anns = [dict(id=len(images) * 100 + k, image_id=img_id, category_id=label + 1,
                 bbox=[x1, y1, x2 - x1, y2 - y1], area=(x2 - x1) * (y2 - y1), iscrowd=int(diff))
            for img_id, objects in images.items()
            for k, (label, (x1, y1, x2, y2), diff) in enumerate(objects)]
    return dict(images=[dict(id=i, width=100, height=100) for i in images], annotations=anns,
                categories=[dict(id=i + 1, name=n) for i, n in enumerate(CLASSES)])


def _det(img_id, *dets):
    """One image's predictions from ``(label, xyxy, score)`` triples."""
    return dict(img_id=img_id, bboxes=torch.tensor([d[1] for d in dets], dtype=torch.float32)
                .reshape(-1, 4), labels=torch.tensor([d[0] for d in dets], dtype=torch.long),
                scores=torch.tensor([d[2] for d in dets]))


def _evaluate(gt: dict, predictions: list, **kwargs) -> dict:
    evaluator = VocDetectionEvaluator(**kwargs)
    evaluator.dataset_meta = dict(classes=CLASSES, cat_ids=[1, 2], coco_gt=_coco_gt(gt))
    evaluator.process({}, predictions)
    return evaluator.evaluate(len(predictions))


# two images, two dogs each; ranked detections: hit (0.9), miss (0.8), hit of IoU 0.9 (0.7),
# miss (0.6): precision 1, 1/2, 2/3, 1/2 at recall 1/4, 1/4, 1/2, 1/2
CURVE_GT = {1: [(0, (0, 0, 10, 10), False), (0, (20, 20, 30, 30), False)],
            2: [(0, (0, 0, 10, 10), False), (0, (40, 40, 50, 50), False)]}
CURVE_DETS = [_det(1, (0, (0, 0, 10, 10), 0.9), (0, (60, 60, 70, 70), 0.6)),
              _det(2, (0, (30, 0, 40, 10), 0.8), (0, (1, 0, 10, 10), 0.7))]


def test_area_and_11_points_of_a_known_curve():
    """area: 1/4 * 1 + 1/4 * 2/3 = 5/12. 11 points: precision 1 at recall 0, .1, .2, 2/3 at
    .3, .4, .5, nothing beyond: (3 + 2) / 11."""
    area = _evaluate(CURVE_GT, CURVE_DETS, mode='area')
    assert area == pytest.approx({'mAP': 500 / 12, 'AP50': 500 / 12})
    points = _evaluate(CURVE_GT, CURVE_DETS, mode='11points')
    assert points == pytest.approx({'mAP': 500 / 11, 'AP50': 500 / 11})


def test_each_threshold_is_reported_and_averaged():
    """At IoU 0.95 the 0.9-IoU hit is a miss: only the first detection is right, precision 1
    up to recall 1/4 -> area 25; the mean over both thresholds is mAP."""
    metrics = _evaluate(CURVE_GT, CURVE_DETS, iou_thr=[0.5, 0.95], classwise=True)
    assert metrics['AP50'] == pytest.approx(500 / 12) and metrics['AP95'] == pytest.approx(25.0)
    assert metrics['mAP'] == pytest.approx((500 / 12 + 25.0) / 2)
    assert metrics['AP95/dog'] == pytest.approx(25.0) and np.isnan(metrics['AP95/cat'])


def test_a_difficult_object_is_neither_required_nor_a_false_positive():
    """Two detections on the difficult dog rank first: counted as false positives they would
    halve the precision; and the difficult dog missing from recall keeps it at 1 -> AP 100."""
    gt = {1: [(0, (0, 0, 10, 10), False), (0, (50, 50, 70, 70), True)]}
    dets = [_det(1, (0, (50, 50, 70, 70), 0.95), (0, (51, 50, 70, 70), 0.9),
                 (0, (0, 0, 10, 10), 0.5))]
    assert _evaluate(gt, dets)['mAP'] == pytest.approx(100.0)
    missed = [_det(1, (0, (0, 0, 10, 10), 0.5))]  # the difficult dog is not required either
    assert _evaluate(gt, missed)['mAP'] == pytest.approx(100.0)


def test_a_class_without_ground_truth_is_left_out_of_the_mean():
    """No cat anywhere (one only difficult): its false positive changes nothing, AP/cat is nan."""
    gt = {1: [(0, (0, 0, 10, 10), False), (1, (20, 20, 40, 40), True)]}
    dets = [_det(1, (0, (0, 0, 10, 10), 0.9), (1, (60, 60, 80, 80), 0.99))]
    metrics = _evaluate(gt, dets, classwise=True)
    assert metrics['mAP'] == pytest.approx(100.0) and metrics['AP50/dog'] == pytest.approx(100.0)
    assert np.isnan(metrics['AP50/cat'])
    with_cat = {1: gt[1] + [(1, (80, 80, 90, 90), False)]}  # a cat never found: AP 0, mean 50
    assert _evaluate(with_cat, dets)['mAP'] == pytest.approx(50.0)


def test_a_duplicate_detection_is_one_true_and_one_false_positive():
    """Ranked: hit, duplicate of it, hit of the second image's dog: precision 1, 1/2, 2/3 at
    recall 1/2, 1/2, 1. area: 1/2 + 1/2 * 2/3; 11 points: (6 * 1 + 5 * 2/3) / 11."""
    gt = {1: [(0, (0, 0, 10, 10), False)], 2: [(0, (0, 0, 10, 10), False)]}
    dets = [_det(1, (0, (0, 0, 10, 10), 0.9), (0, (0, 0, 10, 9), 0.8)),
            _det(2, (0, (0, 0, 10, 10), 0.7))]
    assert _evaluate(gt, dets)['mAP'] == pytest.approx(100 * (1 / 2 + 1 / 3))
    assert _evaluate(gt, dets, mode='11points')['mAP'] == pytest.approx(100 * (6 + 10 / 3) / 11)


def test_ties_rank_by_image_id_and_padded_repeats_count_once():
    """Equal scores, a miss on image 1 and a hit on image 2: image 1 ranks first (precision 0,
    then 1/2 at recall 1 -> AP 50) whatever order the ranks gathered them in; image 1 repeated
    by distributed padding counts once."""
    gt = {1: [], 2: [(0, (0, 0, 10, 10), False)]}
    dets = [_det(1, (0, (50, 50, 60, 60), 0.5)), _det(2, (0, (0, 0, 10, 10), 0.5))]
    assert _evaluate(gt, dets)['mAP'] == pytest.approx(50.0)
    assert _evaluate(gt, dets[::-1])['mAP'] == pytest.approx(50.0)
    assert _evaluate(gt, dets + dets[:1])['mAP'] == pytest.approx(50.0)


def test_11_points_reach_a_recall_of_exactly_three_tenths():
    """Recall 3/10 with precision 1, nothing more: points 0, .1, .2, .3 -> 4/11 (a float grid
    whose 0.3 lies above 3/10 would give 3/11)."""
    recall, precision = np.array([0.1, 0.2, 3 / 10]), np.ones(3)
    assert average_precision(recall, precision, '11points') == pytest.approx(4 / 11)
    assert average_precision(recall, precision, 'area') == pytest.approx(0.3)


def test_bad_options_and_missing_ground_truth_are_errors():
    with pytest.raises(ValueError, match="mode must be one of .*'voc07'"):
        VocDetectionEvaluator(mode='voc07')
    with pytest.raises(ValueError, match='in \\(0, 1\\]'):
        VocDetectionEvaluator(iou_thr=[0.5, 0])
    with pytest.raises(ValueError, match='same metric name twice'):
        VocDetectionEvaluator(iou_thr=[0.5, 0.501])
    with pytest.raises(ConfigError, match='VocDetectionEvaluator needs the ground truth'):
        VocDetectionEvaluator().dataset_meta = dict(classes=CLASSES)
    with pytest.raises(ValueError, match='No ground-truth box .* 2 evaluated images'):
        _evaluate({1: [(0, (0, 0, 10, 10), True)], 2: []}, [_det(1), _det(2)])
    with pytest.raises(ValueError, match='label 2 is outside the 2 categories'):
        _evaluate(CURVE_GT, [_det(1, (2, (0, 0, 10, 10), 0.9))])


def _bright_voc_folder(root, miss: set) -> None:
    """Four 64 x 64 PNGs with a bright rectangle each, boxed as a 'square' in VOC XML (1-based
    inclusive pixels), except on the images in ``miss``, whose box is elsewhere."""
    (root / 'JPEGImages').mkdir(parents=True)
    (root / 'Annotations').mkdir()
    for i in range(4):
        img = np.full((64, 64, 3), 30, np.uint8)
        x, y = 4 + 8 * i, 30 - 6 * i
        img[y:y + 20, x:x + 24] = 250
        Image.fromarray(img).save(root / 'JPEGImages' / f'{i}.png')
        box = (x + 1, y + 1, x + 24, y + 20) if i not in miss else (40 - x, 40 - y, 60 - x, 60 - y)
        (root / 'Annotations' / f'{i}.xml').write_text(XML_64.format(
            name=i, objects=OBJ.format(cls='square', difficult=0, box=box)))


CONFIG = '''
_voc = dict(type='VocXml', root={root!r}, classes=['circle', 'square'], img_suffix='.png')
_set = dict(type='DetDataset', data_source=_voc, collate=dict(type='pad_collate', size_divisor=32),
            pipeline=[dict(type='LoadImage'), dict(type='Letterbox', size=64, center=True),
                      dict(type='PackDetInputs')])
model = dict(type='BrightBoxDetector', threshold=150.0,
             data_preprocessor=dict(type='DenseDataPreprocessor', mean=None, std=None))
data = dict(imgs_per_gpu=3, workers_per_gpu=0, train=_set)
eval_pipelines = [dict(name='val', data=_set, evaluators=[
    dict(type='CocoDetectionEvaluator'),
    dict(type='VocDetectionEvaluator', iou_thr=[0.5, 0.75], mode='11points', prefix='voc')])]
optimizer = dict(type='SGD', lr=0.01)
total_iters = 1
custom_imports = dict(imports=['tests.models.dense_test_models'])
'''


def test_evaluate_scores_a_voc_folder(tmp_path):
    """``evaluate()`` of a checkpoint on four VOC images: the detector finds every rectangle
    (score 0.9), two of which are boxed elsewhere; equal scores rank by image: hit, miss, hit,
    miss -> 11-point AP (3 + 3 * 2/3) / 11 at both thresholds. The 'circle' class has no box and
    stays out of the mean; COCO's figures sit beside VOC's under the evaluator's prefix."""
    from ..models.dense_test_models import BrightBoxDetector
    _bright_voc_folder(tmp_path / 'voc', miss={1, 3})
    config = tmp_path / 'cfg.py'
    config.write_text(CONFIG.format(root=str(tmp_path / 'voc')))
    checkpoint = tmp_path / 'det.pth'
    torch.save(dict(state_dict=BrightBoxDetector().state_dict(),
                    meta=dict(dataset_meta=dict(classes=['circle', 'square']))), checkpoint)
    metrics = evaluate(str(config), str(checkpoint), work_dir=str(tmp_path / 'work'))
    expected = 100 * (3 + 2) / 11
    assert metrics['val/voc/AP50'] == pytest.approx(expected)
    assert metrics['val/voc/AP75'] == pytest.approx(expected)
    assert metrics['val/voc/mAP'] == pytest.approx(expected)
    assert 0 < metrics['val/mAP50'] < 100  # pycocotools' figure of the same detections
