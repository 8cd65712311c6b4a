"""BaseSegmentor: label maps (and ground truth) back at the original image's size."""
import pytest
import torch

from easycv_like.data.collate import pad_collate

from ..dense_test_models import BrightPixelSegmentor, MeanContrastSegmentor


def _item(img, seg, **geometry):
    return {'inputs': img, 'data_samples': dict(gt_seg_map=seg, **geometry)}


def test_predict_removes_padding_resizes_and_unflips():
    # original 8 x 12 image, bright in rows 2..4, columns 0..3; letterboxed x2 into 16 x 24 at
    # offset (left 4, top 2) of a 20 x 32 canvas, then flipped
    ori = torch.full((8, 12), 30, dtype=torch.uint8)
    ori[2:4, 0:3] = 250
    gt = (ori > 200).to(torch.uint8)
    gt[7, 11] = 255
    big = ori.repeat_interleave(2, 0).repeat_interleave(2, 1).flip(-1)
    big_gt = gt.repeat_interleave(2, 0).repeat_interleave(2, 1).flip(-1)
    img = torch.full((3, 20, 32), 114, dtype=torch.uint8)
    img[:, 2:18, 4:28] = big
    seg = torch.full((20, 32), 255, dtype=torch.uint8)
    seg[2:18, 4:28] = big_gt
    item = _item(img, seg, img_id=5, sample_idx=3, ori_shape=(8, 12), scale_factor=(2.0, 2.0),
                 pad={'offset': (4, 2), 'shape': (20, 32)}, flip=True)
    model = BrightPixelSegmentor().eval()
    result = model(**model.data_preprocessor(pad_collate([item]), False), mode='predict')[0]
    assert result['pred_seg_map'].shape == (8, 12) and result['pred_seg_map'].dtype == torch.uint8
    assert torch.equal(result['pred_seg_map'], (ori > 200).to(torch.uint8))
    assert torch.equal(result['gt_seg_map'], gt)
    assert (result['img_id'], result['sample_idx']) == (5, 3)


def test_low_resolution_logits_are_upsampled_to_the_original_size():
    img = torch.full((3, 16, 16), 30, dtype=torch.uint8)
    img[:, 4:12, 8:16] = 250
    model = BrightPixelSegmentor(threshold=140, stride=4).eval()
    item = {'inputs': img, 'data_samples': dict(ori_shape=(16, 16))}
    result = model(**model.data_preprocessor(pad_collate([item], size_divisor=1), False),
                   mode='predict')[0]
    pred = result['pred_seg_map']
    assert pred.shape == (16, 16)
    assert (pred[5:11, 9:16] == 1).all()  # inside, away from the blurred edges
    assert (pred[:3] == 0).all() and (pred[13:] == 0).all() and (pred[:, :7] == 0).all()
    assert 'gt_seg_map' not in result
    assert model(img[None].float(), mode='tensor').shape == (1, 2, 4, 4)


def test_region_outside_the_input_is_an_error():
    model = BrightPixelSegmentor().eval()
    item = {'inputs': torch.zeros(3, 8, 8, dtype=torch.uint8),
            'data_samples': dict(ori_shape=(8, 8), scale_factor=(4.0, 4.0))}
    with pytest.raises(ValueError, match='image region'):
        model(**model.data_preprocessor(pad_collate([item], size_divisor=1), False),
              mode='predict')


def _two_level_item(height, width, index):
    """Top half 100, bottom half 200 (the seg map says 0 / 1): a model comparing each pixel with
    the mean of its input labels it exactly when it sees the image alone."""
    img = torch.full((3, height, width), 200, dtype=torch.uint8)
    img[:, :height // 2] = 100
    seg = (img[0] > 150).to(torch.uint8)
    return _item(img, seg, ori_shape=(height, width), sample_idx=index)


def test_predict_does_not_depend_on_the_other_images_of_the_batch():
    """Padded to 96 x 96 beside a 96 x 64 image, a 64 x 64 image's mean fell from 150 to 67 and
    MeanContrastSegmentor labelled its top half 1: each image is predicted at its own size."""
    model = MeanContrastSegmentor().eval()
    items = [_two_level_item(h, w, i) for i, (h, w) in
             enumerate([(64, 64), (96, 64), (32, 96), (64, 64), (32, 32)])]
    alone = [model(**model.data_preprocessor(pad_collate([item]), False), mode='predict')[0]
             for item in items]
    for result, item in zip(alone, items):
        assert torch.equal(result['pred_seg_map'], item['data_samples']['gt_seg_map'])
    batched = model(**model.data_preprocessor(pad_collate(items), False), mode='predict')
    assert [r['sample_idx'] for r in batched] == [0, 1, 2, 3, 4]
    for got, expected in zip(batched, alone):
        assert torch.equal(got['pred_seg_map'], expected['pred_seg_map'])
        assert torch.equal(got['gt_seg_map'], expected['gt_seg_map'])


def test_an_own_size_larger_than_the_batch_input_is_an_error():
    model = MeanContrastSegmentor().eval()
    batch = pad_collate([_two_level_item(32, 32, 0), _two_level_item(16, 16, 1)])
    batch['data_samples'][1]['alone_input_shape'] = (64, 32)
    with pytest.raises(ValueError, match=r'Sample 1 has alone_input_shape \(64, 32\), larger'):
        model(**model.data_preprocessor(batch, False), mode='predict')
