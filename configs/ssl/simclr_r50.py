# SimCLR ResNet-50 pre-training on ImageNet-1k, the paper's recipe
# (https://arxiv.org/abs/2002.05709): batch 4096 = 8 GPUs x 512 images (fp16; with 16 GPUs set
# _gpus = 16 and _imgs_per_gpu = 256: the negatives are the global batch, so gradient
# accumulation is no substitute), LARS lr 0.3 x 4096 / 256 = 4.8, momentum 0.9, weight decay
# 1e-6, biases and BN excluded from weight decay and LARS adaptation, 10 warm-up epochs then
# cosine to 0, NT-Xent T 0.1. 800 epochs: the longest run of the paper's batch-size/epochs study
# (its ablations train 100 epochs: total_epochs=100; its best model 1000).
_base_ = [
    '../_base_/models/simclr_r50.py',
    '../_base_/datasets/imagenet_simclr.py',
    '../_base_/default_runtime.py',
]
_gpus = 8
_imgs_per_gpu = 512
_batch = _gpus * _imgs_per_gpu
_iters_per_epoch = 1281167 // _batch
data = dict(imgs_per_gpu=_imgs_per_gpu)
optimizer = dict(type='LARS', lr=0.3 * _batch / 256, momentum=0.9, weight_decay=1e-6, eta=0.001,
                 exclude_1d=True)
optimizer_config = dict(grad_clip=None, update_interval=1)
fp16 = dict(loss_scale='dynamic')
lr_config = dict(policy='CosineAnnealing', min_lr=0.0, warmup='linear',
                 warmup_iters=10 * _iters_per_epoch, warmup_ratio=1e-4)
total_epochs = 800
checkpoint_config = dict(interval=10, max_keep_ckpts=3)
