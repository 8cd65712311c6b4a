# Linear evaluation of a MoCo v2 ResNet-50 on ImageNet-1k, the MoCo paper's protocol
# (https://arxiv.org/abs/1911.05722): the pre-trained backbone is frozen (every stage, BN
# statistics included), one linear layer 2048 -> 1000 on the pooled features (no BN), SGD lr 30,
# momentum 0.9, no weight decay, lr x0.1 at epochs 60 and 80 of 100, batch 256 = 8 GPUs x 32.
# The backbone is loaded from the keys `backbone.*` of the pre-training checkpoint (the online
# encoder of MoCo/SimCLR/BYOL); point at yours with
#   --cfg-options model.backbone.init_cfg.checkpoint=work_dirs/<run>/latest.pth
# MoCo's own release (module.encoder_q.* keys) loads with
#   --cfg-options model.backbone.init_cfg.checkpoint=moco_v2_800ep_pretrain.pth.tar \
#                 model.backbone.init_cfg.prefix=encoder_q.
_base_ = [
    '../_base_/models/resnet50_cls.py',
    '../_base_/datasets/imagenet_finetune.py',
    '../_base_/default_runtime.py',
]
_pretrained = 'work_dirs/mocov2_r50/latest.pth'
model = dict(
    backbone=dict(frozen_stages=4, norm_eval=True,
                  init_cfg=dict(type='Pretrained', checkpoint=_pretrained, prefix='backbone.')),
    head=dict(in_channels=2048, num_classes=1000))
data = dict(imgs_per_gpu=32)
optimizer = dict(type='SGD', lr=30.0, momentum=0.9, weight_decay=0.0)
lr_config = dict(policy='step', step=[60, 80])
total_epochs = 100
checkpoint_config = dict(interval=10, max_keep_ckpts=2)
