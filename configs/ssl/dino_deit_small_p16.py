# DINO DeiT-small/16 on ImageNet-1k, 100 epochs, 8 GPUs x 64 images: AdamW lr 5e-4 x 512 / 256,
# 10 warm-up epochs then cosine to 1e-6, weight decay 0.04 -> 0.4 (cosine), teacher temperature
# 0.04 -> 0.07 over 30 epochs, teacher momentum 0.996 -> 1 (cosine), gradient clipping 3.0.
_base_ = [
    '../_base_/models/dino_deit_small_p16.py',
    '../_base_/datasets/imagenet_dino.py',
    '../_base_/default_runtime.py',
]
_gpus = 8
_iters_per_epoch = 1281167 // (64 * _gpus)
optimizer = dict(type='AdamW', lr=5e-4 * 64 * _gpus / 256, weight_decay=0.04,
                 paramwise_options=dict(norm_decay_mult=0.0, bias_decay_mult=0.0))
optimizer_config = dict(grad_clip=dict(max_norm=3.0))
lr_config = dict(policy='CosineAnnealing', min_lr=1e-6, warmup='linear',
                 warmup_iters=10 * _iters_per_epoch, warmup_ratio=1e-4)
total_epochs = 100
custom_hooks = [
    dict(type='DINOTeacherTempHook', start_temp=0.04, end_temp=0.07, warmup_epochs=30),
]
weight_decay_config = dict(end_wd=0.4)
checkpoint_config = dict(interval=10, max_keep_ckpts=3)
