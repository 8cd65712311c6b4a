# SwAV ResNet-50 pre-training on ImageNet-1k (https://arxiv.org/abs/2006.09882), the paper's
# small-batch recipe (its official batch-256 script): batch 256 = 8 GPUs x 32 images, multi-crop
# 2 x 224 + 6 x 96, 3000 prototypes, Sinkhorn epsilon 0.05 (3 iterations), T 0.1, a queue of
# 3840 embeddings (480 per GPU) used from epoch 15, prototypes frozen during the first epoch,
# LARS (trust coefficient 0.001, all parameters adapted) lr 0.6, momentum 0.9, weight decay 1e-6,
# no warm-up, cosine to 0.0006, 200 epochs, fp16. The large-batch recipe (batch 4096, lr 4.8 ->
# 0.0048, 10 warm-up epochs, no queue, 800 epochs) reaches the paper's best linear accuracy.
_base_ = [
    '../_base_/models/swav_r50.py',
    '../_base_/datasets/imagenet_swav.py',
    '../_base_/default_runtime.py',
]
_gpus = 8
_imgs_per_gpu = 32
_iters_per_epoch = 1281167 // (_gpus * _imgs_per_gpu)
data = dict(imgs_per_gpu=_imgs_per_gpu)
model = dict(head=dict(queue_length=3840 // _gpus))
optimizer = dict(type='LARS', lr=0.6, momentum=0.9, weight_decay=1e-6, eta=0.001)
optimizer_config = dict(grad_clip=None, update_interval=1)
fp16 = dict(loss_scale='dynamic')
lr_config = dict(policy='CosineAnnealing', min_lr=0.0006)
total_epochs = 200
custom_hooks = [
    dict(type='SwAVPrototypeFreezeHook', freeze_iters=_iters_per_epoch),
    dict(type='SwAVQueueHook', start_epoch=15),
]
checkpoint_config = dict(interval=10, max_keep_ckpts=3)
