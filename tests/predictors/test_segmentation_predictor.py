"""SegmentationPredictor: label maps at the original size through a flipped, padded input."""
import numpy as np
import pytest

from easycv_like.predictors import SegmentationPredictor, overlay_seg_map

from .dense_checkpoints import CLASSES, bright_rect_image, segmentor_checkpoint


def test_label_maps_at_original_size(tmp_path):
    predictor = SegmentationPredictor(segmentor_checkpoint(tmp_path))
    images = [bright_rect_image(40, 64, (3, 10, 24, 21)), bright_rect_image(48, 30)]
    results = predictor.predict(images)
    for img, result in zip(images, results):
        assert result['seg_map'].shape == img.shape[:2]
        np.testing.assert_array_equal(result['seg_map'], (img[..., 0] > 200).astype(np.uint8))
        assert result['class_names'] == CLASSES


def test_overlay_blends_class_colours_and_keeps_background():
    img = bright_rect_image(4, 4)
    seg = np.array([[0, 1, 1, 255]] * 4, np.uint8)
    palette = np.array([[0, 0, 0], [200, 100, 0]], np.uint8)
    out = overlay_seg_map(img, seg, palette=palette, alpha=0.5)
    assert out[0, 0].tolist() == [30, 30, 30] and out[0, 3].tolist() == [30, 30, 30]
    assert out[0, 1].tolist() == [115, 65, 15]
    with pytest.raises(ValueError, match='seg_map is'):
        overlay_seg_map(img, seg[:2])
