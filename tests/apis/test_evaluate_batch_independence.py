"""Segmentation evaluation gives every image the input it gets alone, whatever the batch."""
import pytest
import torch
from PIL import Image

from easycv_like import evaluate

from ..models.dense_test_models import MeanContrastSegmentor

CONFIG = '''
_split = dict(type='SegDataset',
              data_source=dict(type='SegFolder', img_dir={images!r}, mask_dir={masks!r},
                               classes=['dark', 'bright']),
              pipeline=[dict(type='LoadImage'), dict(type='LoadSegMap'),
                        dict(type='PackSegInputs')],
              collate=dict(type='pad_collate', size_divisor=32, seg_pad_value=255))
model = dict(type='MeanContrastSegmentor')
data = dict(imgs_per_gpu=4, workers_per_gpu=0, train=_split, val=_split)
eval_pipelines = [dict(name='val', data='val', imgs_per_gpu={imgs_per_gpu},
                       evaluators=[dict(type='SegmentationEvaluator')])]
optimizer = dict(type='SGD', lr=0.01)
total_iters = 1
'''


@pytest.fixture(scope='module')
def val_set(tmp_path_factory):
    """Images of several sizes (multiples of 32), top half 100 / bottom half 200, labelled
    0 / 1: ``MeanContrastSegmentor`` labels each exactly when it sees it alone (mean 150)."""
    root = tmp_path_factory.mktemp('two_levels')
    (root / 'images').mkdir()
    (root / 'masks').mkdir()
    for i, (h, w) in enumerate([(64, 64), (96, 64), (32, 96), (64, 64), (32, 32)]):
        img = torch.full((h, w, 3), 200, dtype=torch.uint8)
        img[:h // 2] = 100
        Image.fromarray(img.numpy()).save(root / 'images' / f'{i}.png')
        Image.fromarray((img[..., 0] > 150).to(torch.uint8).numpy()).save(
            root / 'masks' / f'{i}.png')
    checkpoint = root / 'model.pth'
    torch.save(dict(state_dict=MeanContrastSegmentor().state_dict(),
                    meta=dict(dataset_meta=dict(classes=['dark', 'bright']))), checkpoint)
    return root


@pytest.mark.parametrize('imgs_per_gpu', [1, 4])
def test_miou_does_not_depend_on_imgs_per_gpu(val_set, tmp_path, imgs_per_gpu):
    """Padded to 96 x 96 beside the 96 x 64 image, a 64 x 64 one lost its top-half labels (mIoU
    fell below 100 with 4 images per batch, not with 1)."""
    config = tmp_path / 'cfg.py'
    config.write_text(CONFIG.format(images=str(val_set / 'images'),
                                    masks=str(val_set / 'masks'), imgs_per_gpu=imgs_per_gpu))
    metrics = evaluate(str(config), str(val_set / 'model.pth'), work_dir=str(tmp_path / 'work'))
    assert metrics['val/mIoU'] == pytest.approx(100.0)
    assert metrics['val/aAcc'] == pytest.approx(100.0)
