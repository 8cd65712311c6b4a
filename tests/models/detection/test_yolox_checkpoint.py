"""Megvii YOLOX names -> ours: one re-rooting of the names."""
import torch

from easycv_like.models.detection.yolox_checkpoint import (is_megvii_yolox, our_yolox_name,
                                                           rename_megvii_yolox)


def test_names_are_re_rooted():
    assert our_yolox_name('backbone.backbone.dark3.1.m.0.conv1.conv.weight') == \
        'backbone.dark3.1.m.0.conv1.conv.weight'
    assert our_yolox_name('backbone.C3_p4.conv3.bn.running_mean') == \
        'neck.C3_p4.conv3.bn.running_mean'
    assert our_yolox_name('head.obj_preds.1.bias') == 'head.obj_preds.1.bias'


def test_rename_under_a_prefix_leaves_other_keys_alone():
    state = {'ema.backbone.backbone.stem.conv.conv.weight': torch.ones(1),
             'ema.backbone.lateral_conv0.conv.weight': torch.full((1,), 2.),
             'ema.head.cls_preds.0.bias': torch.full((1,), 3.),
             'other.backbone.x': torch.full((1,), 4.)}
    assert is_megvii_yolox(state, 'ema.') and not is_megvii_yolox(state)
    rename_megvii_yolox(state, 'ema.')
    assert {k: v.item() for k, v in state.items()} == {
        'ema.backbone.stem.conv.conv.weight': 1., 'ema.neck.lateral_conv0.conv.weight': 2.,
        'ema.head.cls_preds.0.bias': 3., 'other.backbone.x': 4.}
    assert not is_megvii_yolox(state, 'ema.')  # ours now: renaming twice is impossible
