# Linear probe on the digits demo data: the pre-trained ResNet-18 (small stem) is frozen (every
# stage, BN statistics included) and only a linear layer 512 -> 10 is trained, for a few epochs
# on 2 CPU cores. The backbone is loaded from the keys `backbone.*` of a self-supervised
# checkpoint (the online encoder of MoCo/SimCLR/BYOL); point at yours with
#   --cfg-options model.backbone.init_cfg.checkpoint=work_dirs/<run>/latest.pth
# As in the MoCo v3 / MAE linear protocols, the pooled features go through a BatchNorm without
# affine parameters (BatchNormNeck) before the linear layer, so the recipe does not depend on
# the scale of the pre-trained features (without it a short pre-training's large features made
# SGD diverge). lr / weight decay are tuned on frozen features of this data: the probe stays
# within a point of logistic regression on the same features
# (tests/configs/test_linear_benchmarks.py).
_base_ = [
    '../_base_/models/resnet18_small_cls.py',
    '../_base_/datasets/digits.py',
    '../_base_/default_runtime.py',
]
_pretrained = 'work_dirs/mocov2_digits/latest.pth'  # by configs/ssl/demo/mocov2_digits.py
model = dict(
    backbone=dict(frozen_stages=4, norm_eval=True,
                  init_cfg=dict(type='Pretrained', checkpoint=_pretrained, prefix='backbone.')),
    neck=dict(type='BatchNormNeck', in_channels=512),
    head=dict(with_avg_pool=False))
optimizer = dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=0.03)
lr_config = dict(policy='CosineAnnealing', min_lr=0.0)
total_epochs = 5
checkpoint_config = dict(interval=1, max_keep_ckpts=1)
log_config = dict(interval=5)
