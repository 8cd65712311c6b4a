"""as_pair: the one reading of a size argument, for the cv2 transforms and BatchResize."""
import pytest

from easycv_like.errors import ConfigError
from easycv_like.models.batch_resize import BatchResize
from easycv_like.utils.sizes import as_pair


def test_an_int_is_a_square_and_a_pair_is_h_w():
    assert as_pair(32) == (32, 32)
    assert as_pair([48, 64]) == (48, 64)


@pytest.mark.parametrize('size', [0, (-32, 64), (32.5, 64), (32, 64, 3), True])
def test_anything_but_positive_int_sizes_is_refused_naming_the_key(size):
    with pytest.raises(ConfigError, match=r'Resize\.size must be a positive int'):
        as_pair(size, 'Resize.size')


@pytest.mark.parametrize('sizes', [[0], [(-32, 64)], [(32.5, 64)]])
def test_batch_resize_refuses_sizes_it_would_fail_on_or_truncate(sizes):
    """Before the shared reading, these were accepted and failed in F.interpolate mid-training
    (or 32.5 became 32 silently)."""
    with pytest.raises(ConfigError, match=r'batch_resize\.sizes must be a positive int'):
        BatchResize(sizes=sizes)
