"""BaseSegmentor: label maps (and ground truth) back at the original image's size."""
import pytest
import torch

from easycv_like.data.collate import pad_collate

from ..dense_test_models import BrightPixelSegmentor


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
