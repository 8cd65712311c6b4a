"""An image's prediction does not depend on the other images of its batch."""
import numpy as np
import pytest

from easycv_like.predictors import SegmentationPredictor

from ..models.dense_test_models import MeanContrastSegmentor
from .dense_checkpoints import write_checkpoint


def test_images_padded_to_other_sizes_are_batched_apart(tmp_path):
    """``pad_collate`` padded a 64 x 64 image to 96 x 96 beside a larger one: a model that pools
    over the input (LR-ASPP, ASPP) then saw another mean and labelled other pixels."""
    path = write_checkpoint(tmp_path / 'seg.pth', MeanContrastSegmentor(),
                            [dict(type='LoadImage'), dict(type='PackSegInputs')],
                            dict(type='pad_collate', size_divisor=32, seg_pad_value=255))
    predictor = SegmentationPredictor(path)
    rng = np.random.default_rng(0)
    small = np.full((64, 64, 3), 200, np.uint8)
    small[:32] = 100  # alone: mean 150, the top half is class 0; padded to 96 x 96: mean 67
    images = [small, rng.integers(0, 256, (90, 70, 3), dtype=np.uint8),
              rng.integers(0, 256, (60, 50, 3), dtype=np.uint8), small]
    alone = [predictor.predict(img)[0]['seg_map'] for img in images]
    np.testing.assert_array_equal(alone[0], np.repeat([0, 1], 32)[:, None].repeat(64, 1))
    for batch_size in (2, 4):
        together = predictor.predict(images, batch_size=batch_size)
        for got, expected in zip(together, alone):
            np.testing.assert_array_equal(got['seg_map'], expected)


@pytest.mark.parametrize('batch_size', [0, -1, 2.5, True])
def test_batch_size_must_be_a_positive_integer(tmp_path, batch_size):
    path = write_checkpoint(tmp_path / 'seg.pth', MeanContrastSegmentor(),
                            [dict(type='LoadImage'), dict(type='PackSegInputs')],
                            dict(type='pad_collate'))
    with pytest.raises(ValueError, match=f'batch_size must be a positive integer or None, got '
                                         f'{batch_size!r}'):
        SegmentationPredictor(path).predict(np.zeros((8, 8, 3), np.uint8), batch_size=batch_size)
