"""ClassificationPredictor needs nothing but the checkpoint."""
import os.path as osp
import shutil

import cv2
import numpy as np
import pytest

from easycv_like.predictors import ClassificationPredictor
from easycv_like.utils.checkpoint import UnsafeCheckpointError


def _val_images(root, limit=60):
    images, labels = [], []
    with open(osp.join(root, 'val_small.txt')) as f:
        for line in list(f)[:limit]:
            path, label = line.split()
            img = cv2.imread(osp.join(root, path), cv2.IMREAD_COLOR)
            images.append(cv2.cvtColor(img, cv2.COLOR_BGR2RGB))
            labels.append(int(label))
    return images, labels


def test_predictor_from_checkpoint_alone(trained_run, tiny_digits, tmp_path):
    lonely = tmp_path / 'model.pth'
    shutil.copy(osp.join(trained_run['work_dir'], 'latest.pth'), lonely)
    predictor = ClassificationPredictor(str(lonely), device='cpu')
    images, labels = _val_images(tiny_digits)
    results = predictor.predict(images, batch_size=7)
    assert len(results) == len(images)
    for res in results:
        assert set(res) == {'class', 'class_name', 'score', 'scores'}
        assert len(res['scores']) == 10 and sum(res['scores']) == pytest.approx(1, abs=1e-4)
        assert res['class'] == int(np.argmax(res['scores']))
        assert res['class_name'] == str(res['class'])  # names come from classes.txt
        assert res['score'] == pytest.approx(max(res['scores']))
    top1 = 100 * np.mean([r['class'] == y for r, y in zip(results, labels)])
    assert top1 == pytest.approx(trained_run['metrics']['val/top1'])


def test_predictor_rejects_bad_input(trained_run):
    predictor = ClassificationPredictor(trained_run['checkpoint'])
    with pytest.raises(ValueError, match=r'images\[0\]: expected a uint8 array'):
        predictor.predict([np.zeros((16, 16), np.float32)])


def test_predictor_refuses_code_carrying_checkpoint(tmp_path):
    import torch

    sentinel = tmp_path / 'pwned'

    class Evil:
        def __reduce__(self):
            return (open, (str(sentinel), 'w'))
    torch.save({'state_dict': {}, 'meta': {'x': Evil()}}, tmp_path / 'evil.pth')
    with pytest.raises(UnsafeCheckpointError):
        ClassificationPredictor(str(tmp_path / 'evil.pth'))
    assert not sentinel.exists()


def test_predictor_refuses_classes_or_weights_that_do_not_fit(trained_run, tmp_path):
    import torch
    from easycv_like.engine.class_checks import ClassMismatchError
    from easycv_like.utils.checkpoint import load_checkpoint_file
    ckpt = load_checkpoint_file(trained_run['checkpoint'])
    ckpt['meta']['dataset_meta'] = {'classes': [str(i) for i in range(9)]}
    torch.save(ckpt, tmp_path / 'nine.pth')
    with pytest.raises(ClassMismatchError, match=r'num_classes=10 but the data has 9 classes '
                                                 r'\(from the classes stored in .*nine.pth'):
        ClassificationPredictor(str(tmp_path / 'nine.pth'))
    ckpt = load_checkpoint_file(trained_run['checkpoint'])
    del ckpt['state_dict']['head.fc.weight']
    torch.save(ckpt, tmp_path / 'headless.pth')
    with pytest.raises(ValueError, match=r'missing .*: 1: head.fc.weight'):
        ClassificationPredictor(str(tmp_path / 'headless.pth'))


def test_images_the_pipeline_leaves_in_different_sizes_are_batched_apart(trained_run, tmp_path):
    """A shorter-side Resize without a crop (the digits config) keeps each aspect ratio: a 1 x 1,
    a 3 x 5 and a 20 x 400 image in one call, as one batch each would give."""
    import torch
    from easycv_like.predictors import FeatureExtractor
    from easycv_like.utils.checkpoint import load_checkpoint_file
    ckpt = load_checkpoint_file(trained_run['checkpoint'])
    pipeline = [dict(type='LoadImage'), dict(type='Resize', size=16), dict(type='PackInputs')]
    ckpt['meta']['config_dict']['data']['val']['pipeline'] = pipeline
    for entry in ckpt['meta']['config_dict'].get('eval_pipelines', []):
        entry['data']['pipeline'] = pipeline
    torch.save(ckpt, tmp_path / 'resize.pth')
    rng = np.random.default_rng(0)
    images = [rng.integers(0, 256, shape, dtype=np.uint8)
              for shape in ((16, 16, 3), (20, 400, 3), (1, 1, 3), (16, 16, 3), (3, 5, 3))]
    predictor = ClassificationPredictor(str(tmp_path / 'resize.pth'))
    together = predictor.predict(images, batch_size=4)
    alone = [predictor.predict(img)[0] for img in images]
    for got, expected in zip(together, alone):
        assert got['class'] == expected['class']
        np.testing.assert_allclose(got['scores'], expected['scores'], atol=1e-5)
    extractor = FeatureExtractor(str(tmp_path / 'resize.pth'))
    np.testing.assert_allclose(extractor.extract(images, batch_size=4),
                               np.concatenate([extractor.extract(img) for img in images]),
                               rtol=1e-4, atol=1e-3)
