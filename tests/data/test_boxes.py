import cv2
import numpy as np
import pytest

from easycv_like.data.transforms import boxes as box_ops

BOXES = np.array([[1, 2, 5, 10], [0, 0, 8, 4]], np.float32)


def test_flip_twice_and_scale_translate_clip():
    np.testing.assert_array_equal(box_ops.flip_boxes(BOXES, 8), [[3, 2, 7, 10], [0, 0, 8, 4]])
    np.testing.assert_array_equal(box_ops.flip_boxes(box_ops.flip_boxes(BOXES, 8), 8), BOXES)
    np.testing.assert_array_equal(box_ops.scale_boxes(BOXES, 2, 0.5), [[2, 1, 10, 5],
                                                                       [0, 0, 16, 2]])
    np.testing.assert_array_equal(box_ops.translate_boxes(BOXES, -2, 3), [[-1, 5, 3, 13],
                                                                          [-2, 3, 6, 7]])
    np.testing.assert_array_equal(box_ops.clip_boxes(BOXES, 6, 4), [[1, 2, 4, 6], [0, 0, 4, 4]])
    assert box_ops.valid_boxes(np.array([[0, 0, 0, 5], [0, 0, 2, 2]], np.float32),
                               1.5).tolist() == [False, True]


def test_affine_boxes_quarter_turn_is_exact():
    matrix = cv2.getRotationMatrix2D((5, 5), 90, 1.0)  # counter-clockwise about (5, 5)
    out = box_ops.affine_boxes(BOXES, matrix)
    np.testing.assert_allclose(out, [[2, 5, 10, 9], [0, 2, 4, 10]], atol=1e-5)
    assert box_ops.affine_boxes(np.zeros((0, 4), np.float32), matrix).shape == (0, 4)


def test_as_boxes_names_bad_shapes():
    assert box_ops.as_boxes([[1, 2, 3, 4]]).dtype == np.float32
    with pytest.raises(ValueError, match='K x 4'):
        box_ops.as_boxes(np.zeros((2, 5)))
