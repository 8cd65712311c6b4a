import json

import numpy as np
import pytest

from easycv_like.data.sources import Coco
from easycv_like.registry import DATA_SOURCES

from .image_files import random_image, write_image

CATEGORIES = [{'id': 11, 'name': 'kite'}, {'id': 3, 'name': 'car'}, {'id': 7, 'name': 'bus'}]


def _write(tmp_path, annotations, images=None, make_files=True):
    images = images or [{'id': 5, 'file_name': 'a.png', 'height': 20, 'width': 30},
                        {'id': 9, 'file_name': 'b.png', 'height': 10, 'width': 10}]
    if make_files:
        for image in images:
            write_image(str(tmp_path / image['file_name']),
                        random_image(image['id'], image['height'], image['width']))
    path = tmp_path / 'ann.json'
    path.write_text(json.dumps({'images': images, 'annotations': annotations,
                                'categories': CATEGORIES}))
    return str(path)


def _ann(ann_id, image_id, cat, bbox, **extra):
    return dict(dict(id=ann_id, image_id=image_id, category_id=cat, bbox=bbox, area=1.0,
                     iscrowd=0), **extra)


def test_category_mapping_round_trip_crowd_ignore_and_empty_images(tmp_path):
    ann_file = _write(tmp_path, [_ann(1, 5, 11, [1, 2, 10, 5]), _ann(2, 5, 3, [0, 0, 4, 4]),
                                 _ann(3, 5, 7, [5, 5, 2, 2], iscrowd=1),
                                 _ann(4, 5, 3, [6, 6, 3, 3], ignore=1)])
    source = DATA_SOURCES.build(dict(type='Coco', ann_file=ann_file, img_root=str(tmp_path)))
    assert source.cat_ids == [3, 7, 11] and source.classes == ['car', 'bus', 'kite']
    assert len(source) == 2
    first, empty = source[0], source[1]
    assert first['img_id'] == 5 and first['img_path'].endswith('a.png')
    np.testing.assert_array_equal(first['gt_bboxes'],
                                  [[1, 2, 11, 7], [0, 0, 4, 4], [5, 5, 7, 7], [6, 6, 9, 9]])
    assert first['gt_bboxes'].dtype == np.float32 and first['gt_labels'].dtype == np.int64
    assert first['gt_labels'].tolist() == [2, 0, 1, 0]
    assert first['gt_ignore'].tolist() == [False, False, True, True]
    assert source.label_to_cat_id(first['gt_labels']).tolist() == [11, 3, 7, 3]
    assert empty['img_id'] == 9 and empty['gt_bboxes'].shape == (0, 4)
    assert empty['gt_labels'].shape == (0,) and empty['gt_ignore'].shape == (0,)
    assert source.image_size(0) == (20, 30)
    source[0]['gt_labels'][0] = 99  # items are copies
    assert source[0]['gt_labels'][0] == 2


def test_classes_select_and_order_categories(tmp_path):
    ann_file = _write(tmp_path, [_ann(1, 5, 11, [1, 2, 10, 5]), _ann(2, 5, 3, [0, 0, 4, 4])])
    source = Coco(ann_file, str(tmp_path), classes=['kite', 'bus'])
    assert source.cat_ids == [11, 7] and source[0]['gt_labels'].tolist() == [0]
    with pytest.raises(KeyError, match="'truck'"):
        Coco(ann_file, str(tmp_path), classes=['truck'])


def test_out_of_bounds_and_empty_boxes_warn_naming_the_image(tmp_path, mmengine_warnings):
    ann_file = _write(tmp_path, [_ann(1, 5, 3, [-2, 15, 40, 10]), _ann(2, 5, 3, [31, 0, 5, 5])])
    source = Coco(ann_file, str(tmp_path))
    np.testing.assert_array_equal(source[0]['gt_bboxes'], [[0, 15, 30, 20]])
    messages = [r.getMessage() for r in mmengine_warnings]
    assert any("image id 5 ('a.png')" in m and 'clipped' in m for m in messages)
    assert any("image id 5 ('a.png')" in m and 'dropped' in m for m in messages)


def test_missing_files_warn_unknown_ids_raise(tmp_path, mmengine_warnings):
    Coco(_write(tmp_path, [], make_files=False), str(tmp_path))
    assert any('2 image file(s) are missing' in r.getMessage() and 'image id 9' in r.getMessage()
               for r in mmengine_warnings)
    with pytest.raises(ValueError, match=r"image id 5 \('a.png'\).*unknown category id 4"):
        Coco(_write(tmp_path, [_ann(1, 5, 4, [1, 1, 2, 2])]), str(tmp_path))
    with pytest.raises(ValueError, match='image id 6, which is not in "images"'):
        Coco(_write(tmp_path, [_ann(1, 6, 3, [1, 1, 2, 2])]), str(tmp_path))


def test_categories_sharing_a_name_are_an_error_naming_their_ids(tmp_path):
    ann_file = _write(tmp_path, [])
    with open(ann_file) as f:
        coco = json.load(f)
    coco['categories'].append({'id': 12, 'name': 'kite'})
    with open(ann_file, 'w') as f:
        json.dump(coco, f)
    with pytest.raises(ValueError, match=r"ann.json: categories \{'kite': \[11, 12\]\}"):
        Coco(ann_file, str(tmp_path))


def test_class_origin_names_the_file(tmp_path):
    ann_file = _write(tmp_path, [])
    assert Coco(ann_file, str(tmp_path)).class_origin == f'the categories of {ann_file!r}'
    assert Coco(ann_file, str(tmp_path), classes=['car']).class_origin == \
        f'classes= of Coco({ann_file!r})'


def test_exif_turned_image_annotated_unturned_is_an_error_naming_it(tmp_path):
    from PIL import Image
    from easycv_like.data.datasets import DetDataset
    stored = random_image(3, 20, 30)
    pil = Image.fromarray(stored)
    exif = pil.getexif()
    exif[0x0112] = 6  # shown 90 degrees clockwise: 30 high, 20 wide
    pil.save(tmp_path / 'a.png', exif=exif)
    write_image(str(tmp_path / 'b.png'), random_image(9, 10, 10))
    pipeline = [dict(type='LoadImage'), dict(type='PackDetInputs')]

    def dataset(width, height, bbox):
        images = [{'id': 5, 'file_name': 'a.png', 'height': height, 'width': width},
                  {'id': 9, 'file_name': 'b.png', 'height': 10, 'width': 10}]
        ann = _write(tmp_path, [_ann(1, 5, 3, bbox)], images, make_files=False)
        return DetDataset(dict(type='Coco', ann_file=ann, img_root=str(tmp_path)), pipeline)
    with pytest.raises(ValueError, match=r"a\.png' is \(30, 20\) \(h, w\) but its annotation "
                                         r"says \(20, 30\).*EXIF orientation tag turns it"):
        dataset(30, 20, [2, 4, 10, 6])[0]
    item = dataset(20, 30, [10, 2, 6, 10])[0]  # annotated upright: boxes in the upright frame
    assert tuple(item['inputs'].shape) == (3, 30, 20)
    assert item['data_samples']['gt_bboxes'].tolist() == [[10, 2, 16, 12]]
    np.testing.assert_array_equal(item['inputs'].permute(1, 2, 0).numpy(), np.rot90(stored, -1))
