# DeepLabV3 on a dilated MobileNetV3-Large (output stride 16), torchvision's
# deeplabv3_mobilenet_v3_large: ASPP (rates 12 / 24 / 36, image pooling, 256 channels) on
# features[16] (960 ch), an FCN auxiliary head on features[4] (40 ch, loss weight 0.5).
# torchvision's recipe: 21 VOC classes at 520 px (crop 480), batch 32, lr 0.02, wd 1e-6,
# 30 epochs, ImageNet-pretrained backbone; published 60.3 mIoU (COCO-VOC subset).
# Pretrained backbone: add init_cfg=dict(type='Pretrained', checkpoint=<torchvision
# mobilenet_v3_large ImageNet file>) to model.backbone (its classifier keys are left out).
# torchvision's trained model itself loads with load_from=<its file> (the names are mapped).
_base_ = ['../_base_/datasets/voc_seg.py', '../_base_/schedules/sgd_poly_seg.py',
          '../_base_/default_runtime.py']
model = dict(
    type='Segmentation',
    backbone=dict(type='MobileNetV3', arch='large', dilated=True, out_indices=(4, 16)),
    decode_head=dict(type='ASPPHead', in_channels=960, num_classes=21, channels=256,
                     dilations=(12, 24, 36), in_index=1),
    auxiliary_head=dict(type='FCNHead', in_channels=40, num_classes=21, in_index=0),
    aux_loss_weight=0.5)
optimizer = dict(weight_decay=1e-6)
