"""``filled`` and ``crop_with_fill``: canvases of a scalar or per-channel value."""
import numpy as np
import pytest

from easycv_like.data.transforms.targets import crop_with_fill, filled


@pytest.mark.parametrize('fill, expected', [(114, [114] * 3), ((114, 114, 114), [114] * 3),
                                            ((1, 2, 3), [1, 2, 3]), ([0, 255, 7], [0, 255, 7])])
def test_filled_holds_the_value_in_every_pixel(fill, expected):
    out = filled((5, 4, 3), fill, np.uint8)
    assert out.shape == (5, 4, 3) and out.dtype == np.uint8
    assert (out == np.array(expected, np.uint8)).all()


def test_filled_single_channel_and_crop_with_fill():
    assert (filled((3, 2), 255, np.uint8) == 255).all()
    img = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    out = crop_with_fill(img, -1, 1, 3, 3, (9, 8, 7))  # one row above, one column cut
    np.testing.assert_array_equal(out[1:, :2], img[:, 1:])
    assert (out[0] == [9, 8, 7]).all() and (out[:, 2] == [9, 8, 7]).all()
