import numpy as np
import pytest

from easycv_like.data.datasets.image_mixing import MixUp, Mosaic

from .dense_samples import RectSource, red_mask


def _covered(shape, boxes):
    inside = np.zeros(shape, bool)
    for x1, y1, x2, y2 in boxes:
        inside[int(np.floor(y1)):int(np.ceil(y2)), int(np.floor(x1)):int(np.ceil(x2))] = True
    return inside


@pytest.mark.parametrize('seed', range(4))
def test_mosaic_boxes_and_seg_maps_sit_on_the_rectangles(seed):
    source = RectSource()
    rng = np.random.default_rng(seed)
    samples = [source[i] for i in (0, 1, 4, 7)]
    out = Mosaic(img_scale=(48, 64), pad_value=114)(samples[0], samples[1:], rng)
    assert out['img'].shape == (96, 128, 3) and out['gt_seg_map'].shape == (96, 128)
    boxes = out['gt_bboxes']
    assert boxes.dtype == np.float32 and len(boxes) == len(out['gt_labels']) <= 3
    red = red_mask(out['img'])
    inside = _covered(red.shape, boxes)
    assert red[~inside].sum() <= 4  # no rectangle pixel outside every box
    for x1, y1, x2, y2 in np.round(boxes).astype(int):
        assert red[y1 + 1:y2 - 1, x1 + 1:x2 - 1].mean() > 0.9
        assert (out['gt_seg_map'][y1 + 1:y2 - 1, x1 + 1:x2 - 1] == 2).mean() > 0.9
    assert ((out['gt_seg_map'] == 2) & ~inside).sum() == 0
    assert (out['img'][~red] == 114).any() and (out['gt_seg_map'] == 255).any()


def test_mixup_keeps_both_sets_of_boxes_on_blended_pixels():
    source = RectSource(with_seg=False)
    main, partner = source[0], source[2]
    out = MixUp(img_scale=(40, 90), ratio_range=(1, 1), flip_prob=0.0)(
        main, partner, np.random.default_rng(0))
    assert out['img'].shape == (40, 90, 3) and len(out['gt_bboxes']) == 2
    assert out['gt_labels'].tolist() == [2, 2]
    for x1, y1, x2, y2 in np.round(out['gt_bboxes']).astype(int):
        patch = out['img'][y1 + 1:y2 - 1, x1 + 1:x2 - 1, 0].astype(int)
        assert patch.min() >= (250 + 20) // 2 - 2  # at least half red
    with pytest.raises(ValueError, match='seg maps cannot be blended'):
        MixUp()(RectSource()[0], RectSource()[1], np.random.default_rng(0))


def test_mosaic_of_empty_images_and_unmovable_targets():
    source = RectSource()
    empty = [source[4], source[9], source[4], source[9]]
    out = Mosaic(img_scale=32)(empty[0], empty[1:], np.random.default_rng(0))
    assert out['gt_bboxes'].shape == (0, 4) and out['gt_labels'].shape == (0,)
    bad = source[0]
    bad['gt_keypoints'] = np.zeros((1, 3))
    with pytest.raises(ValueError, match='gt_keypoints'):
        Mosaic(img_scale=32)(bad, [source[1]] * 3, np.random.default_rng(0))
