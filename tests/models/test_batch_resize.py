"""Multi-scale batch size: a function of (seed, iteration) only; boxes, maps, geometry follow."""
import pytest
import torch

from easycv_like.models.batch_resize import BatchResize


def test_size_changes_every_interval_and_is_the_same_for_every_rank_and_after_resume():
    ranks = [BatchResize(size_range=(320, 640), interval=10, seed=3) for _ in range(2)]
    sizes = [ranks[0].size_at(it) for it in range(100)]
    assert sizes == [ranks[1].size_at(it) for it in range(100)]  # another rank
    for start in range(0, 100, 10):  # constant within a block of 10 iterations
        assert len(set(sizes[start:start + 10])) == 1
    assert len(set(sizes)) > 2
    assert all(h == w and h % 32 == 0 and 320 <= h <= 640 for h, w in sizes)
    resumed = BatchResize(size_range=(320, 640), interval=10, seed=3)  # a fresh process
    assert [resumed.size_at(it) for it in range(57, 100)] == sizes[57:]
    other_seed = BatchResize(size_range=(320, 640), interval=10, seed=4)
    assert [other_seed.size_at(it) for it in range(0, 100, 10)] != sizes[::10]


def test_resize_scales_boxes_seg_map_and_geometry():
    resize = BatchResize(sizes=[(32, 64)])
    inputs = torch.zeros(1, 3, 16, 16)
    seg = torch.full((16, 16), 255, dtype=torch.uint8)
    seg[4:8, 2:6] = 1
    sample = dict(gt_bboxes=torch.tensor([[2., 4., 6., 8.]]), gt_seg_map=seg,
                  scale_factor=(0.5, 0.5), img_shape=(12, 16),
                  pad={'offset': (0, 2), 'shape': (16, 16)}, batch_input_shape=(16, 16),
                  alone_input_shape=(16, 16))
    out, (resized,) = resize(inputs, [sample], resize.size_at(0))
    assert out.shape == (1, 3, 32, 64)
    assert resized['gt_bboxes'].tolist() == [[8., 8., 24., 16.]]
    assert resized['gt_seg_map'].dtype == torch.uint8
    ys, xs = torch.nonzero(resized['gt_seg_map'] == 1, as_tuple=True)
    assert (ys.min(), ys.max() + 1, xs.min(), xs.max() + 1) == (8, 16, 8, 24)
    assert resized['scale_factor'] == (2.0, 1.0)
    assert resized['img_shape'] == (24, 64)
    assert resized['pad'] == {'offset': (0.0, 4.0), 'shape': (32, 64)}
    assert resized['batch_input_shape'] == (32, 64)
    assert 'alone_input_shape' not in resized  # the batch was resized as one
    assert sample['gt_bboxes'].tolist() == [[2., 4., 6., 8.]]  # the input is not modified


def test_empty_image_resizes():
    resize = BatchResize(sizes=[64])
    _, (sample,) = resize(torch.zeros(1, 3, 32, 32), [dict(gt_bboxes=torch.zeros(0, 4))], (64, 64))
    assert sample['gt_bboxes'].shape == (0, 4)


@pytest.mark.parametrize('kwargs, match', [
    (dict(), 'exactly one'),
    (dict(sizes=[320], size_range=(320, 640)), 'exactly one'),
    (dict(size_range=(300, 640)), 'multiples'),
    (dict(sizes=[(1, 2, 3)]), r'\(h, w\)'),
    (dict(sizes=[320], interval=0), 'interval'),
])
def test_bad_settings_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        BatchResize(**kwargs)
