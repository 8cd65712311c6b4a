import torch

from easycv_like.models.detection.yolox_grid import (decode_boxes, encode_boxes,
                                                     flatten_levels, grid_priors)


def test_priors_are_cell_corners_row_major_level_by_level():
    priors = grid_priors([(2, 3), (1, 1)], [8, 16])
    assert priors.tolist() == [[0, 0, 8, 8], [8, 0, 8, 8], [16, 0, 8, 8],
                               [0, 8, 8, 8], [8, 8, 8, 8], [16, 8, 8, 8], [0, 0, 16, 16]]


def test_decode_by_hand_and_encode_inverts_it():
    priors = torch.tensor([[16., 8., 8., 8.]])
    raw = torch.tensor([[[0.5, 1.0, 0.0, float(torch.log(torch.tensor(2.0)))]]])
    # centre (16 + 4, 8 + 8) = (20, 16); size (8, 16)
    assert torch.allclose(decode_boxes(raw, priors), torch.tensor([[[16., 8., 24., 24.]]]))
    raw = torch.randn(2, 7, 4)
    priors = grid_priors([(2, 3), (1, 1)], [8, 16])
    assert torch.allclose(encode_boxes(decode_boxes(raw, priors), priors), raw, atol=1e-5)


def test_flatten_levels_matches_priors_order():
    maps = [torch.arange(6.).reshape(1, 1, 2, 3), torch.tensor([[[[6.]]]])]
    assert flatten_levels(maps).reshape(-1).tolist() == [0, 1, 2, 3, 4, 5, 6]
