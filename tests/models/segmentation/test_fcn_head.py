"""FCNHead: torchvision's width (in_channels / 4) and stride-preserving logits."""
import torch

from easycv_like.models.segmentation import FCNHead


def test_width_and_shape():
    head = FCNHead(in_channels=16, num_classes=3, in_index=0).eval()
    assert head.conv[0].out_channels == 4
    assert head((torch.randn(2, 16, 5, 7), torch.randn(2, 4, 3, 3))).shape == (2, 3, 5, 7)
