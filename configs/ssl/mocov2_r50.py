# MoCo v2 ResNet-50 pre-training on ImageNet-1k, the published recipe
# (https://arxiv.org/abs/2003.04297): batch 256 = 8 GPUs x 32, SGD lr 0.03 x 256 / 256, momentum
# 0.9, weight decay 1e-4, cosine schedule, 200 epochs; key encoder momentum 0.999, queue 65536,
# T 0.2. Evaluate with configs/benchmarks/linear_mocov2_r50_in1k.py.
_base_ = [
    '../_base_/models/mocov2_r50.py',
    '../_base_/datasets/imagenet_mocov2.py',
    '../_base_/default_runtime.py',
]
_gpus = 8
optimizer = dict(type='SGD', lr=0.03 * 32 * _gpus / 256, momentum=0.9, weight_decay=1e-4)
optimizer_config = dict(grad_clip=None, update_interval=1)
lr_config = dict(policy='CosineAnnealing', min_lr=0.0)
total_epochs = 200
checkpoint_config = dict(interval=10, max_keep_ckpts=3)
