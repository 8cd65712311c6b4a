"""global_pool / backbone.pool: one pooling for maps and tokens (necks, heads, algorithms)."""
import pytest
import torch
import torch.nn.functional as F

from easycv_like.models.backbones.global_pool import global_pool
from easycv_like.registry import MODELS

RESNET = dict(type='ResNet', depth=18, stem='small', out_indices=(2, 3))
VIT = dict(type='VisionTransformer', img_size=16, patch_size=8, embed_dim=16, depth=1,
           num_heads=2)


def test_maps_are_averaged_and_tokens_kept():
    maps = torch.arange(24.0).view(1, 2, 3, 4)
    assert global_pool(maps).tolist() == [[5.5, 17.5]]
    tokens = torch.randn(3, 5)
    assert global_pool(tokens) is tokens
    with pytest.raises(ValueError, match=r'shape \(3, 4, 5\)'):
        global_pool(torch.zeros(3, 4, 5))


@pytest.mark.parametrize('cfg, width', [(RESNET, 512), (dict(VIT, output='cls'), 16),
                                        (dict(VIT, output='featmap'), 16)])
def test_every_backbone_pools_its_last_output(cfg, width):
    backbone = MODELS.build(cfg).eval()
    x = torch.randn(2, 3, 16, 16)
    feats = backbone(x)
    pooled = backbone.pool(feats)
    assert pooled.shape == (2, width)
    last = feats[-1]
    assert torch.equal(pooled, last.mean((2, 3)) if last.dim() == 4 else last)


def test_cls_head_now_takes_a_vit_token():
    head = MODELS.build(dict(type='ClsHead', in_channels=16, num_classes=3))
    token = torch.randn(2, 16)
    torch.testing.assert_close(head((token,)), F.linear(token, head.fc.weight, head.fc.bias))


def test_self_supervised_predict_pools_through_the_backbone():
    model = MODELS.build(dict(type='SimCLR', backbone=dict(VIT, output='featmap'),
                              neck=dict(type='MLPNeck', in_channels=16, hid_channels=8,
                                        out_channels=4),
                              head=dict(type='NTXentHead'))).eval()
    x = torch.randn(2, 3, 16, 16)
    feature = model.predict(x)[0]['feature']
    expected = F.normalize(model.backbone(x)[-1].mean((2, 3)), dim=1)[0]
    torch.testing.assert_close(feature, expected)
