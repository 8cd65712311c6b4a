# FCN on a ResNet-50 whose last two stages are dilated (output stride 8), torchvision's
# fcn_resnet50: FCN head (512 channels) on layer4 (2048 ch), an auxiliary FCN head on layer3
# (1024 ch, loss weight 0.5).
# torchvision's recipe: 21 VOC classes at 520 px (crop 480), batch 32, lr 0.02, wd 1e-4,
# 30 epochs, ImageNet-pretrained backbone; published 60.5 mIoU (COCO-VOC subset).
# Pretrained backbone: add init_cfg=dict(type='Pretrained', checkpoint=<torchvision resnet50
# ImageNet file>) to model.backbone (every backbone weight must be in it; its fc keys are unused
# and listed); from a self-supervised ResNet-50 of this project, add prefix='backbone.',
# strict=True (nothing else under the prefix either; docs/ssl.md, "Fine-tune a detector or a
# segmentor on the pre-trained backbone").
_base_ = ['../_base_/datasets/voc_seg.py', '../_base_/schedules/sgd_poly_seg.py',
          '../_base_/default_runtime.py']
model = dict(
    type='Segmentation',
    backbone=dict(type='ResNet', depth=50, out_indices=(2, 3),
                  replace_stride_with_dilation=(False, True, True)),
    decode_head=dict(type='FCNHead', in_channels=2048, num_classes=21, in_index=1),
    auxiliary_head=dict(type='FCNHead', in_channels=1024, num_classes=21, in_index=0),
    aux_loss_weight=0.5)
