"""load_coco: the checks pycocotools skips, through the training source and the evaluator."""
import json

import numpy as np
import pytest

from easycv_like.data.sources import Coco
from easycv_like.evaluation import CocoDetectionEvaluator

CATEGORIES = [dict(id=90, name='wasp'), dict(id=1, name='ant')]


def _images():
    return [dict(id=1, file_name='a.jpg', width=64, height=64),
            dict(id=2, file_name='sub/b.jpg', width=64, height=64)]


def _anns():
    return [dict(id=1, image_id=1, category_id=90, bbox=[10, 10, 20, 20], iscrowd=0, area=400),
            dict(id=2, image_id=2, category_id=1, bbox=[4, 4, 30, 10], iscrowd=0, area=300)]


def _write(tmp_path, images=None, annotations=None, name='ann.json'):
    path = tmp_path / name
    path.write_text(json.dumps(dict(images=images or _images(), categories=CATEGORIES,
                                    annotations=_anns() if annotations is None else annotations)))
    return str(path)


def _broken(kind):
    images, anns = _images(), _anns()
    if kind == 'image id twice':
        images.append(dict(id=1, file_name='c.jpg', width=64, height=64))
    elif kind == 'annotation id twice':
        anns.append(dict(anns[0], image_id=2, category_id=1))
    elif kind == 'no annotation id':
        del anns[1]['id']
    elif kind == 'string image id':
        images[0]['id'] = 'a'
        anns[0]['image_id'] = 'a'
    elif kind == 'file twice':
        images.append(dict(id=3, file_name='a.jpg', width=64, height=64))
    elif kind == 'no bbox':
        del anns[0]['bbox']
    elif kind == 'no file_name':
        del images[1]['file_name']
    return images, anns


@pytest.mark.parametrize('kind, match', [
    ('image id twice', r"image id 1 is listed 2 times, as \['a.jpg', 'c.jpg'\]"),
    ('annotation id twice', r'annotation id 1 is used 2 times \(images \[1, 2\]\)'),
    ('no annotation id', r'1 of "annotations" have no integer "id"'),
    ('string image id', r'1 of "images" have no integer "id".*"a"'),
    ('file twice', r"file_name 'a.jpg' is listed 2 times, as image ids \[1, 3\]"),
    ('no bbox', r'annotation\(s\) \[1\] have no "bbox"'),
    ('no file_name', r"image id 2 has no \['file_name'\]"),
])
def test_broken_files_are_errors_naming_the_file_and_entries(tmp_path, kind, match):
    """Each was silently wrong (one image's boxes on another picture, a mAP scoring one
    annotation twice) or a bare KeyError / TypeError inside pycocotools."""
    images, anns = _broken(kind)
    ann_file = _write(tmp_path, images, anns)
    with pytest.raises(ValueError, match=match) as info:
        Coco(ann_file, str(tmp_path))
    assert str(info.value).startswith(ann_file)
    with pytest.raises(ValueError, match=match):
        evaluator = CocoDetectionEvaluator(ann_file=ann_file)
        evaluator.dataset_meta = dict(classes=['ant', 'wasp'], cat_ids=[1, 90])
        evaluator.process(None, [dict(img_id=1, bboxes=np.zeros((0, 4)), scores=np.zeros(0),
                                      labels=np.zeros(0, np.int64))])
        evaluator.evaluate(1)


def test_a_category_without_name_is_an_error_naming_it(tmp_path):
    path = tmp_path / 'ann.json'
    path.write_text(json.dumps(dict(images=_images(), annotations=_anns(),
                                    categories=[dict(id=90), dict(id=1, name='ant')])))
    with pytest.raises(ValueError, match=r"category id 90 has no \['name'\]"):
        Coco(str(path), str(tmp_path))


def test_annotations_without_area_are_scored_by_their_box_area(tmp_path):
    """pycocotools' COCOeval stopped with KeyError 'area' after the whole validation pass."""
    anns = _anns()
    for ann in anns:
        del ann['area']
    ann_file = _write(tmp_path, annotations=anns)
    source = Coco(ann_file, str(tmp_path))
    evaluator = CocoDetectionEvaluator()
    evaluator.dataset_meta = dict(classes=source.classes, cat_ids=source.cat_ids,
                                  ann_file=ann_file)
    evaluator.process(None, [dict(img_id=source[i]['img_id'], bboxes=source[i]['gt_bboxes'],
                                  scores=np.ones(1), labels=source[i]['gt_labels'])
                             for i in range(len(source))])
    metrics = evaluator.evaluate(len(source))
    assert metrics['mAP'] == pytest.approx(100.0)
    assert metrics['mAP_small'] == pytest.approx(100.0)  # 400 and 300 px: COCO's "small"
    assert source.coco.anns[2]['area'] == 300.0


def test_classes_may_be_a_text_file_as_for_the_other_sources(tmp_path):
    """A classes.txt path was iterated letter by letter ("classes ['/', 't', ...] are not
    categories of the file")."""
    (tmp_path / 'classes.txt').write_text('wasp\nant\n')
    source = Coco(_write(tmp_path), str(tmp_path), classes=str(tmp_path / 'classes.txt'))
    assert source.classes == ['wasp', 'ant'] and source.cat_ids == [90, 1]
    assert source[0]['gt_labels'].tolist() == [0] and source[1]['gt_labels'].tolist() == [1]
    assert 'classes.txt' in source.class_origin


def test_evaluation_scores_the_boxes_training_saw(tmp_path):
    """A box past the border and a zero-width box were clipped / dropped for training but scored
    unchanged: predicting exactly the training boxes gave mAP 25 instead of 100."""
    anns = [dict(id=1, image_id=1, category_id=90, bbox=[40, 40, 48, 48], iscrowd=0, area=2304),
            dict(id=2, image_id=2, category_id=1, bbox=[4, 4, 30, 10], iscrowd=0, area=300),
            dict(id=3, image_id=2, category_id=1, bbox=[20, 20, 0, 10], iscrowd=0, area=0)]
    ann_file = _write(tmp_path, annotations=anns)
    source = Coco(ann_file, str(tmp_path))
    np.testing.assert_array_equal(source[0]['gt_bboxes'], [[40, 40, 64, 64]])
    evaluator = CocoDetectionEvaluator(ann_file=ann_file)
    evaluator.dataset_meta = dict(classes=source.classes, cat_ids=source.cat_ids)
    evaluator.process(None, [dict(img_id=source[i]['img_id'], bboxes=source[i]['gt_bboxes'],
                                  scores=np.ones(1), labels=source[i]['gt_labels'])
                             for i in range(len(source))])
    assert evaluator.evaluate(len(source))['mAP'] == pytest.approx(100.0)
