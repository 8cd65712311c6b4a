"""DenseDataPreprocessor: BGR, optional normalisation, targets kept per sample, multi-scale."""
import pytest
import torch
from mmengine.logging import MessageHub

from easycv_like.data.collate import pad_collate
from easycv_like.models import DenseDataPreprocessor


def _item(h, w, boxes):
    img = torch.arange(3 * h * w, dtype=torch.int64).remainder(251).to(torch.uint8)
    return {'inputs': img.view(3, h, w),
            'data_samples': dict(img_id=7, ori_shape=(h, w), img_shape=(h, w),
                                 scale_factor=(1.0, 1.0), pad={'offset': (0, 0),
                                                               'shape': (h, w)},
                                 flip=False, gt_bboxes=torch.tensor(boxes).view(-1, 4),
                                 gt_labels=torch.zeros(len(boxes), dtype=torch.int64),
                                 gt_ignore=torch.zeros(len(boxes), dtype=torch.bool))}


def test_unnormalised_bgr_as_yolox_takes_it():
    batch = pad_collate([_item(20, 30, [[1., 2., 3., 4.]]), _item(10, 10, [])], pad_value=114)
    out = DenseDataPreprocessor(mean=None, std=None, to_bgr=True)(batch)
    assert out['inputs'].dtype == torch.float32 and out['inputs'].shape == (2, 3, 32, 32)
    assert torch.equal(out['inputs'][0], batch['inputs'][0].flip(0).float())
    assert out['inputs'][1, :, 20, 20].tolist() == [114.0] * 3
    samples = out['data_samples']
    assert samples[0]['gt_bboxes'].tolist() == [[1., 2., 3., 4.]]
    assert samples[1]['gt_bboxes'].shape == (0, 4) and samples[1]['gt_labels'].shape == (0,)
    assert samples[0]['img_id'] == 7 and samples[0]['batch_input_shape'] == (32, 32)


def test_normalisation_per_channel():
    batch = pad_collate([_item(8, 8, [])], size_divisor=1)
    out = DenseDataPreprocessor(mean=(1., 2., 3.), std=(2., 4., 8.))(batch)
    expected = (batch['inputs'][0].float() - torch.tensor([1., 2., 3.]).view(3, 1, 1)) / \
        torch.tensor([2., 4., 8.]).view(3, 1, 1)
    assert torch.allclose(out['inputs'][0], expected)


def test_batch_resize_in_training_only_and_from_the_iteration():
    pre = DenseDataPreprocessor(mean=None, std=None,
                                batch_resize=dict(sizes=[(32, 32), (64, 64), (96, 96)],
                                                  interval=10, seed=1))
    batch = pad_collate([_item(32, 32, [[8., 8., 16., 16.]])])
    hub = MessageHub.get_instance('dense_preprocessor_test')
    seen = {}
    for iteration in range(0, 100, 10):
        hub.update_info('iter', iteration)
        out = pre(batch, training=True)
        size = pre.batch_resize.size_at(iteration)
        assert out['inputs'].shape[-2:] == size
        scale = size[0] / 32
        assert out['data_samples'][0]['gt_bboxes'].tolist() == [[8 * scale, 8 * scale,
                                                                 16 * scale, 16 * scale]]
        assert out['data_samples'][0]['scale_factor'] == (scale, scale)
        seen[iteration] = size
    assert len(set(seen.values())) > 1
    assert pre(batch, training=False)['inputs'].shape[-2:] == (32, 32)
    assert batch['data_samples'][0]['gt_bboxes'].tolist() == [[8., 8., 16., 16.]]


def test_wrong_batches_are_named():
    pre = DenseDataPreprocessor()
    with pytest.raises(ValueError, match='pad_collate'):
        pre({'inputs': [torch.zeros(3, 8, 8)], 'data_samples': None})
    with pytest.raises(TypeError, match='list of per-sample'):
        pre({'inputs': torch.zeros(1, 3, 8, 8), 'data_samples': {'gt_label': [1]}})
    with pytest.raises(ValueError, match='both None'):
        DenseDataPreprocessor(mean=None)
