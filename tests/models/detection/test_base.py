"""BaseDetector: mode routing and boxes mapped back to the original images."""
import pytest
import torch

from easycv_like.data.collate import pad_collate
from easycv_like.models.detection import boxes_to_original

from ..dense_test_models import BrightBoxDetector


def _image(h, w, box=None):
    img = torch.full((3, h, w), 30, dtype=torch.uint8)
    if box is not None:
        x1, y1, x2, y2 = box
        img[:, y1:y2, x1:x2] = 250
    return img


def test_boxes_to_original_undoes_pad_scale_and_flip():
    geometry = dict(offset=(4.0, 6.0), scale_factor=(0.5, 0.25), ori_shape=(100, 80), flip=True)
    boxes = torch.tensor([[8., 8., 14., 16.], [0., 0., 100., 100.]])
    out = boxes_to_original(boxes, geometry)
    # (8 - 4) / 0.5 = 8 -> mirrored 80 - 8 = 72, (14 - 4) / 0.5 = 20 -> 60; y: (8 - 6) / 0.25 = 8
    assert out[0].tolist() == [60., 8., 72., 40.]
    assert out[1].tolist() == [0., 0., 80., 100.]  # clipped to the image
    assert boxes_to_original(torch.zeros(0, 4), geometry).shape == (0, 4)


def test_predict_maps_every_image_back_and_handles_empty_images():
    model = BrightBoxDetector().eval()
    items = [
        {'inputs': _image(24, 32, (10, 8, 20, 16)),  # letterboxed at offset (0, 4), scale 0.5
         'data_samples': dict(img_id=11, sample_idx=0, ori_shape=(40, 64), img_shape=(24, 32),
                              scale_factor=(0.5, 0.5), pad={'offset': (0, 4), 'shape': (24, 32)},
                              flip=False)},
        {'inputs': _image(16, 16),  # nothing bright: no detections
         'data_samples': dict(img_id=12, sample_idx=1, ori_shape=(16, 16), img_shape=(16, 16),
                              scale_factor=(1.0, 1.0), pad={'offset': (0, 0), 'shape': (16, 16)},
                              flip=False)},
        {'inputs': _image(16, 16, (0, 0, 4, 2)),  # flipped: the box comes back on the right
         'data_samples': dict(img_id=13, sample_idx=2, ori_shape=(16, 16), img_shape=(16, 16),
                              scale_factor=(1.0, 1.0), pad={'offset': (0, 0), 'shape': (16, 16)},
                              flip=True)}]
    batch = model.data_preprocessor(pad_collate(items, pad_value=114), False)
    results = model(**batch, mode='predict')
    assert [r['img_id'] for r in results] == [11, 12, 13]
    assert results[0]['bboxes'].tolist() == [[20., 8., 40., 24.]]
    assert results[0]['bboxes'].dtype == torch.float32
    assert results[0]['labels'].tolist() == [1] and results[0]['labels'].dtype == torch.int64
    assert results[0]['scores'].tolist() == pytest.approx([0.9])
    assert results[1]['bboxes'].shape == (0, 4) and results[1]['scores'].shape == (0,)
    assert results[1]['labels'].shape == (0,)
    assert results[2]['bboxes'].tolist() == [[12., 0., 16., 2.]]


def test_boxes_only_on_padding_are_dropped():
    model = BrightBoxDetector().eval()
    item = {'inputs': _image(32, 32, (20, 0, 30, 10)),
            'data_samples': dict(img_id=1, ori_shape=(16, 16), scale_factor=(1.0, 1.0),
                                 pad={'offset': (0, 0), 'shape': (32, 32)}, flip=False)}
    batch = model.data_preprocessor(pad_collate([item]), False)
    assert model(**batch, mode='predict')[0]['bboxes'].shape == (0, 4)


def test_loss_and_tensor_modes():
    model = BrightBoxDetector()
    items = [{'inputs': _image(16, 16), 'data_samples': dict(
        gt_bboxes=torch.zeros(0, 4), gt_labels=torch.zeros(0, dtype=torch.int64),
        gt_ignore=torch.zeros(0, dtype=torch.bool))}]
    batch = model.data_preprocessor(pad_collate(items), True)
    losses = model(**batch, mode='loss')
    total, log_vars = model.parse_losses(losses)
    assert total.item() == 0.0 and log_vars['num_gt'].item() == 0
    assert model(batch['inputs'], mode='tensor').shape == (1, 1, 32, 32)
    with pytest.raises(ValueError, match='needs data_samples'):
        model(batch['inputs'], mode='loss')
    with pytest.raises(ValueError, match="mode must be"):
        model(batch['inputs'], mode='train')
