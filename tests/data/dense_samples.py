"""Dense samples for transform tests: a red rectangle with its box and seg map, and the check
that boxes and seg maps still sit on the rectangle's pixels after a transform."""
import numpy as np

RED = (250, 10, 10)


def box_sample(height=60, width=80, box=(10, 15, 40, 35), seed=0):
    """A dark image with one red rectangle at ``box`` (xyxy), its box, label 2 and seg map."""
    x1, y1, x2, y2 = box
    img = np.full((height, width, 3), 20, np.uint8)
    img[y1:y2, x1:x2] = RED
    seg = np.zeros((height, width), np.uint8)
    seg[y1:y2, x1:x2] = 2
    return {'img': img, 'img_path': 'red.png', 'img_shape': (height, width),
            'ori_shape': (height, width), 'gt_bboxes': np.array([box], np.float32),
            'gt_labels': np.array([2], np.int64), 'gt_ignore': np.array([False]),
            'gt_seg_map': seg, 'rng': np.random.default_rng(seed)}


def empty_sample(height=50, width=70, seed=0):
    """An image without objects (noise, never red): K = 0 targets, an all-background seg map."""
    img = np.random.default_rng(seed).integers(0, 150, (height, width, 3), dtype=np.uint8)
    return {'img': img, 'img_path': 'empty.png', 'img_shape': (height, width),
            'ori_shape': (height, width), 'gt_bboxes': np.zeros((0, 4), np.float32),
            'gt_labels': np.zeros(0, np.int64), 'gt_ignore': np.zeros(0, bool),
            'gt_seg_map': np.zeros((height, width), np.uint8), 'rng': np.random.default_rng(seed)}


def red_mask(img):
    """Pixels of the red rectangle (interpolated edge pixels excluded)."""
    return (img[..., 0] > 180) & (img[..., 1] < 80) & (img[..., 2] < 80)


def _extent(mask):
    ys, xs = np.nonzero(mask)
    return np.array([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1], np.float32)


def assert_aligned(results, tol=1.5, filled=True):
    """The box, the red pixels and the seg map's class-2 pixels cover the same rectangle (and,
    when ``filled``, i.e. nothing rotated, the red pixels fill the box)."""
    img, seg = results['img'], results['gt_seg_map']
    assert seg.shape == img.shape[:2] and seg.dtype == np.uint8
    assert tuple(results['img_shape']) == img.shape[:2]
    red = red_mask(img)
    boxes = results['gt_bboxes']
    assert boxes.dtype == np.float32 and boxes.shape[1] == 4
    assert len(boxes) == len(results['gt_labels']) == len(results['gt_ignore'])
    if len(boxes) == 0:  # the rectangle left the image (at most a sliver survives)
        assert red.sum() <= 2 * max(img.shape[:2]) and (seg == 2).sum() <= 2 * max(img.shape[:2])
        return
    assert results['gt_labels'].tolist() == [2]
    for extent in (_extent(red), _extent(seg == 2)):
        if filled:
            np.testing.assert_allclose(extent, boxes[0], atol=tol)
        else:  # a rotated rectangle cut by the border: its box may be looser, never tighter
            assert (extent[:2] >= boxes[0][:2] - tol).all()
            assert (extent[2:] <= boxes[0][2:] + tol).all()
    x1, y1, x2, y2 = np.round(boxes[0]).astype(int)
    inner = red[y1 + 2:y2 - 2, x1 + 2:x2 - 2]
    assert not filled or inner.size == 0 or inner.mean() > 0.95
    assert set(np.unique(seg)) <= {0, 2, 255}


class RectSource:
    """An in-memory detection source: image ``i`` is ``box_sample`` of a varying size and box
    (every fifth image is empty); ``image_size`` answers without building it."""

    classes = ['a', 'b', 'c']

    def __init__(self, count=10, with_seg=True):
        self.count, self.with_seg = count, with_seg

    def image_size(self, index):
        return 40 + 4 * index, 90 - 5 * index

    def __len__(self):
        return self.count

    def __getitem__(self, index):
        height, width = self.image_size(index)
        if index % 5 == 4:
            sample = empty_sample(height, width, seed=index)
        else:
            sample = box_sample(height, width, (3 + index, 4, 20 + index, 30), seed=index)
        sample.pop('rng')
        sample.update(img_id=100 + index, img_path='')
        if not self.with_seg:
            sample.pop('gt_seg_map')
        return sample
