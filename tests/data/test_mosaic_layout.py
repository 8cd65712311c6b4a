"""``Mosaic`` against YOLOX's documented layout: each sample resized by ``min(h / h0, w / w0)``
(sizes truncated), its corner at a centre drawn in ``[0.5, 1.5) x`` the quadrant size, the main
sample top-left, then top-right, bottom-left, bottom-right; boxes scaled, shifted by the
placement, clipped to the ``2h x 2w`` canvas."""
import cv2
import numpy as np
import pytest

from easycv_like.data.datasets.image_mixing import Mosaic


def _sample(seed):
    rng = np.random.default_rng(seed)
    height, width = (int(v) for v in rng.integers(8, 40, 2))
    x1, y1 = rng.uniform(0, width - 2, 3), rng.uniform(0, height - 2, 3)
    boxes = np.stack([x1, y1, np.minimum(x1 + rng.uniform(1, 9, 3), width),
                      np.minimum(y1 + rng.uniform(1, 9, 3), height)], 1).astype(np.float32)
    return {'img': rng.integers(0, 256, (height, width, 3), dtype=np.uint8),
            'gt_bboxes': boxes, 'gt_labels': rng.integers(0, 9, 3),
            'gt_ignore': rng.random(3) < 0.5}


def _expected(samples, h, w, cx, cy):
    canvas = np.full((2 * h, 2 * w, 3), 114, np.uint8)
    boxes, labels, ignore = [], [], []
    for quadrant, sample in enumerate(samples):
        h0, w0 = sample['img'].shape[:2]
        scale = min(h / h0, w / w0)
        nh, nw = int(h0 * scale), int(w0 * scale)
        img = cv2.resize(sample['img'], (nw, nh), interpolation=cv2.INTER_LINEAR)
        x0 = cx - nw if quadrant in (0, 2) else cx
        y0 = cy - nh if quadrant in (0, 1) else cy
        for y in range(nh):
            for x in range(nw):
                if 0 <= y0 + y < 2 * h and 0 <= x0 + x < 2 * w:
                    canvas[y0 + y, x0 + x] = img[y, x]
        moved = sample['gt_bboxes'] * [nw / w0, nh / h0, nw / w0, nh / h0] + [x0, y0, x0, y0]
        moved[:, 0::2] = moved[:, 0::2].clip(0, 2 * w)
        moved[:, 1::2] = moved[:, 1::2].clip(0, 2 * h)
        keep = (moved[:, 2] > moved[:, 0]) & (moved[:, 3] > moved[:, 1])
        boxes.append(moved[keep])
        labels.append(sample['gt_labels'][keep])
        ignore.append(sample['gt_ignore'][keep])
    return canvas, np.concatenate(boxes), np.concatenate(labels), np.concatenate(ignore)


@pytest.mark.parametrize('seed', range(8))
def test_mosaic_places_pixels_and_boxes_as_yolox(seed):
    h, w = 24, 32
    samples = [_sample(4 * seed + i) for i in range(4)]
    draws = np.random.default_rng(seed)
    cx, cy = int(draws.uniform(0.5 * w, 1.5 * w)), int(draws.uniform(0.5 * h, 1.5 * h))
    canvas, boxes, labels, ignore = _expected(samples, h, w, cx, cy)
    out = Mosaic(img_scale=(h, w))(samples[0], samples[1:], np.random.default_rng(seed))
    np.testing.assert_array_equal(out['img'], canvas)
    np.testing.assert_allclose(out['gt_bboxes'], boxes, atol=1e-4)
    np.testing.assert_array_equal(out['gt_labels'], labels)
    np.testing.assert_array_equal(out['gt_ignore'], ignore)
