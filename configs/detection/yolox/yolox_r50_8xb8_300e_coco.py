# YOLOX on a self-supervised ResNet-50: the backbone starts from the online encoder of a
# checkpoint of this project's pre-training (configs/ssl/mocov2_r50.py, byol_r50.py,
# simclr_r50.py, swav_r50.py: all keep it under 'backbone.'), the neck and head from scratch.
# Give the file: --cfg-options model.backbone.init_cfg.checkpoint=PATH (no download). Every
# backbone weight must be in the file (BN statistics included), and strict=True refuses keys
# under the prefix that the ResNet-50 does not use (a deeper backbone): else training stops with
# the key report.
# Network: ResNet-50 stages 2-4 (strides 8 / 16 / 32, 512 / 1024 / 2048 channels) projected by
# 1 x 1 convs to YOLOX-l's neck widths (256 / 512 / 1024), YOLOX-l's neck and head; 53.4 M
# parameters. BN: as in MoCo's detection transfer, the backbone's BN layers are trained (not
# frozen) and synchronised across GPUs (SyncBN; one process uses plain BN), no stage frozen.
# Input: ImageNet-normalised RGB, what the pre-training saw (the CSPDarknet configs take raw BGR).
# Everything else is YOLOX-l's recipe on COCO 2017 (300 epochs, mosaic / mix-up, EMA), not tuned
# for pre-trained backbones; no published figure for this combination. docs/ssl.md, "Fine-tune a
# detector or a segmentor on the pre-trained backbone".
_base_ = './yolox_l_8xb8_300e_coco.py'
model = dict(
    backbone=dict(
        _delete_=True, type='ResNet', depth=50, out_indices=(1, 2, 3),
        norm_cfg=dict(type='SyncBN'), norm_eval=False, frozen_stages=-1,
        init_cfg=dict(type='Pretrained', checkpoint='work_dirs/mocov2_r50/latest.pth',
                      prefix='backbone.', strict=True)),
    neck=dict(backbone_channels=(512, 1024, 2048)),
    data_preprocessor=dict(mean=(123.675, 116.28, 103.53), std=(58.395, 57.12, 57.375),
                           to_bgr=False))
