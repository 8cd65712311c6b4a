# MoBY DeiT-small/16 on ImageNet-1k, 300 epochs, 8 GPUs x 64 images: AdamW lr 1e-3 x 512 / 512,
# weight decay 0.05, 5 warm-up epochs then cosine to 5e-6, gradient clipping 5.0, target
# momentum 0.99 -> 1 (cosine), queues of 4096 keys, temperature 0.2.
_base_ = [
    '../_base_/models/moby_deit_small_p16.py',
    '../_base_/datasets/imagenet_moby.py',
    '../_base_/default_runtime.py',
]
_gpus = 8
_iters_per_epoch = 1281167 // (64 * _gpus)
optimizer = dict(type='AdamW', lr=1e-3 * 64 * _gpus / 512, weight_decay=0.05,
                 paramwise_options=dict(norm_decay_mult=0.0, bias_decay_mult=0.0,
                                        custom_keys={'pos_embed': dict(decay_mult=0.0),
                                                     'cls_token': dict(decay_mult=0.0)}))
optimizer_config = dict(grad_clip=dict(max_norm=5.0))
lr_config = dict(policy='CosineAnnealing', min_lr=5e-6, warmup='linear',
                 warmup_iters=5 * _iters_per_epoch, warmup_ratio=5e-4)
total_epochs = 300
checkpoint_config = dict(interval=10, max_keep_ckpts=3)
