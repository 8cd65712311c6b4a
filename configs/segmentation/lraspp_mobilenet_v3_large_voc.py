# Lite R-ASPP on a dilated MobileNetV3-Large, torchvision's lraspp_mobilenet_v3_large: the gated
# 128-channel branch on features[16] (960 ch, stride 16) plus a classifier on features[4]
# (40 ch, stride 8); no auxiliary head.
# torchvision's recipe: 21 VOC classes at 520 px (crop 480), batch 32, lr 0.02, wd 1e-6,
# 30 epochs, ImageNet-pretrained backbone; published 57.9 mIoU (COCO-VOC subset).
# Pretrained backbone: add init_cfg=dict(type='Pretrained', checkpoint=<torchvision
# mobilenet_v3_large ImageNet file>) to model.backbone (its classifier keys are left out).
_base_ = ['../_base_/datasets/voc_seg.py', '../_base_/schedules/sgd_poly_seg.py',
          '../_base_/default_runtime.py']
model = dict(
    type='Segmentation',
    backbone=dict(type='MobileNetV3', arch='large', dilated=True, out_indices=(4, 16)),
    decode_head=dict(type='LRASPPHead', in_channels=(40, 960), num_classes=21, channels=128))
optimizer = dict(weight_decay=1e-6)
