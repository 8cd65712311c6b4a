"""ASPPHead: output shape and stride, configured rates, torchvision's layout."""
import pytest
import torch

from easycv_like.models.segmentation import ASPPHead


def test_logits_keep_the_read_maps_stride():
    head = ASPPHead(in_channels=8, num_classes=5, channels=16, in_index=1).eval()
    feats = (torch.randn(2, 4, 16, 16), torch.randn(2, 8, 8, 6))  # stride 8 map of a 64 x 48 input
    assert head(feats).shape == (2, 5, 8, 6)


def test_branches_follow_the_configured_rates():
    head = ASPPHead(in_channels=8, num_classes=2, channels=4, dilations=(2, 3))
    assert len(head.branches) == 4  # 1x1, two atrous, image pooling
    assert [head.branches[i][0].dilation for i in (1, 2)] == [(2, 2), (3, 3)]
    assert [head.branches[i][0].padding for i in (1, 2)] == [(2, 2), (3, 3)]
    assert head.project[0].in_channels == 16
    with pytest.raises(ValueError, match='dilations'):
        ASPPHead(in_channels=8, num_classes=2, dilations=(0,))


def test_image_pooling_branch_is_constant_over_the_map():
    head = ASPPHead(in_channels=4, num_classes=2, channels=3).eval()
    out = head.branches[-1](torch.randn(1, 4, 5, 7))
    assert out.shape == (1, 3, 5, 7)
    assert torch.allclose(out, out[..., :1, :1].expand_as(out))


def test_in_index_outside_the_features_names_the_fix():
    head = ASPPHead(in_channels=4, num_classes=2, channels=3, in_index=2)
    with pytest.raises(IndexError, match="in_index 2 is outside the 1 feature maps"):
        head((torch.randn(1, 4, 4, 4),))
