import importlib.util
import os

import cv2
import numpy as np
from sklearn.datasets import load_digits

from easycv_like.data.sources import ImageList

TOOL = os.path.join(os.path.dirname(__file__), '..', '..', 'tools', 'prepare_demo_data.py')


def _tool():
    spec = importlib.util.spec_from_file_location('prepare_demo_data', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_writes_images_lists_and_classes(tmp_path, capsys):
    out = tmp_path / 'digits'
    _tool().main(['--out', str(out), '--size', '16'])
    assert 'train.txt' in capsys.readouterr().out
    digits = load_digits()
    assert len(os.listdir(out / 'images')) == 1797
    train = ImageList(str(out / 'train.txt'), classes=str(out / 'classes.txt'))
    val = ImageList(str(out / 'val.txt'))
    assert train.classes == [str(i) for i in range(10)]
    assert len(train) + len(val) == 1797 and abs(len(val) - 360) <= 1
    train_idx = {int(os.path.basename(s['img_path'])[:4]) for s in map(train.__getitem__,
                                                                          range(len(train)))}
    val_idx = {int(os.path.basename(s['img_path'])[:4]) for s in map(val.__getitem__,
                                                                      range(len(val)))}
    assert train_idx.isdisjoint(val_idx) and len(train_idx | val_idx) == 1797
    for source in (train, val):
        labels = [source[i]['gt_label'] for i in range(len(source))]
        assert set(labels) == set(range(10))
        for i in range(0, len(source), 37):
            index = int(os.path.basename(source[i]['img_path'])[:4])
            assert source[i]['gt_label'] == digits.target[index]
    img = cv2.imread(str(out / 'images' / '0010.png'), cv2.IMREAD_UNCHANGED)
    assert img.shape == (16, 16) and img.dtype == np.uint8


def test_size_8_keeps_the_original_pixels_and_reruns_are_identical(tmp_path):
    out = tmp_path / 'digits'
    tool = _tool()
    tool.main(['--out', str(out), '--size', '8'])
    first = (out / 'train.txt').read_text()
    tool.main(['--out', str(out), '--size', '8'])
    assert (out / 'train.txt').read_text() == first
    img = cv2.imread(str(out / 'images' / '0005.png'), cv2.IMREAD_UNCHANGED)
    expected = np.rint(load_digits().images[5] * 255 / 16).astype(np.uint8)
    np.testing.assert_array_equal(img, expected)
