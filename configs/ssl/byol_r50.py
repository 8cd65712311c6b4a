# BYOL ResNet-50 pre-training on ImageNet-1k (https://arxiv.org/abs/2006.07733), 300 epochs (the
# length of the paper's ablations; its headline model trains 1000): batch 4096 = 8 GPUs x 512
# images (fp16), LARS lr 0.2 x 4096 / 256 = 3.2, momentum 0.9, weight decay 1.5e-6, biases and BN
# excluded from weight decay and LARS adaptation, 10 warm-up epochs then cosine to 0. Target
# momentum: base 0.99, cosine to 1 over training (the paper's 1000-epoch run starts from 0.996:
# model.momentum=0.996). Symmetric loss; solarization on view 2 only.
_base_ = [
    '../_base_/models/byol_r50.py',
    '../_base_/datasets/imagenet_byol.py',
    '../_base_/default_runtime.py',
]
_gpus = 8
_imgs_per_gpu = 512
_batch = _gpus * _imgs_per_gpu
_iters_per_epoch = 1281167 // _batch
data = dict(imgs_per_gpu=_imgs_per_gpu)
model = dict(momentum=0.99, momentum_end=1.0)
optimizer = dict(type='LARS', lr=0.2 * _batch / 256, momentum=0.9, weight_decay=1.5e-6,
                 eta=0.001, exclude_1d=True)
optimizer_config = dict(grad_clip=None, update_interval=1)
fp16 = dict(loss_scale='dynamic')
lr_config = dict(policy='CosineAnnealing', min_lr=0.0, warmup='linear',
                 warmup_iters=10 * _iters_per_epoch, warmup_ratio=1e-4)
total_epochs = 300
checkpoint_config = dict(interval=10, max_keep_ckpts=3)
