import filecmp
import importlib.util
import json
import os

import cv2
import numpy as np
from pycocotools.coco import COCO

TOOL = os.path.join(os.path.dirname(__file__), '..', '..', 'tools', 'make_shapes_dataset.py')
ARGS = ['--num-train', '12', '--num-val', '4']


def _tool():
    spec = importlib.util.spec_from_file_location('make_shapes_dataset', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _files(root):
    return sorted(os.path.relpath(os.path.join(d, f), root)
                  for d, _, files in os.walk(root) for f in files)


def test_same_seed_same_files_other_seed_other_files(tmp_path):
    tool = _tool()
    tool.main(['--out', str(tmp_path / 'a'), *ARGS])
    tool.main(['--out', str(tmp_path / 'b'), *ARGS])
    tool.main(['--out', str(tmp_path / 'c'), '--seed', '1', *ARGS])
    names = _files(tmp_path / 'a')
    assert names == _files(tmp_path / 'b') and len(names) == 2 * 16 + 3
    _, mismatch, errors = filecmp.cmpfiles(tmp_path / 'a', tmp_path / 'b', names, shallow=False)
    assert mismatch == [] and errors == []
    _, mismatch, _ = filecmp.cmpfiles(tmp_path / 'a', tmp_path / 'c', names, shallow=False)
    assert 'train/annotations.json' in mismatch


def test_coco_json_loads_and_masks_agree_with_boxes(tmp_path):
    _tool().main(['--out', str(tmp_path), *ARGS])
    coco = COCO(str(tmp_path / 'train' / 'annotations.json'))
    assert [c['name'] for c in coco.loadCats(coco.getCatIds())] == ['circle', 'square',
                                                                    'triangle']
    assert len(coco.imgs) == 12 and len(coco.getAnnIds()) > 12
    assert coco.imgToAnns.get(10, []) == []  # every tenth image is empty
    sizes = set()
    for img_id, image in coco.imgs.items():
        img = cv2.imread(str(tmp_path / 'train' / 'images' / image['file_name']))
        stem = os.path.splitext(image['file_name'])[0]
        seg = cv2.imread(str(tmp_path / 'train' / 'masks' / f'{stem}.png'), cv2.IMREAD_UNCHANGED)
        assert img.shape[:2] == seg.shape == (image['height'], image['width'])
        sizes.add(seg.shape)
        anns = coco.imgToAnns.get(img_id, [])
        covered = np.zeros(seg.shape, bool)
        for ann in anns:
            x, y, w, h = ann['bbox']
            visible = coco.annToMask(ann).astype(bool)
            ys, xs = np.nonzero(visible)
            assert [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1] == [x, y, x + w, y + h]
            inside = seg[visible]
            assert ((inside == ann['category_id']) | (inside == 255)).all()
            assert (inside == ann['category_id']).mean() > 0.4
            covered |= visible
        assert set(np.unique(seg[~covered])) <= {0, 255}
    assert len(sizes) > 3  # varying sizes and aspect ratios
    classes = (tmp_path / 'seg_classes.txt').read_text().split()
    assert classes == ['background', 'circle', 'square', 'triangle']
    assert json.loads((tmp_path / 'val' / 'annotations.json').read_text())['images']
