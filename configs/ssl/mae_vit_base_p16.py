# MAE ViT-B/16 pre-training on ImageNet-1k, 400 epochs (the paper's ablations use 800 and its
# best result 1600; 400 is the shortest schedule it reports). Batch 4096 = 8 GPUs x 64 images
# x 8 accumulated steps, lr 1.5e-4 x 4096 / 256, 40 warm-up epochs, then cosine to 0.
_base_ = [
    '../_base_/models/mae_vit_base_p16.py',
    '../_base_/datasets/imagenet_mae.py',
    '../_base_/default_runtime.py',
]
_gpus = 8
_accumulate = 8
_iters_per_epoch = 1281167 // (64 * _gpus)  # loader iterations (accumulated micro-batches)
optimizer = dict(type='AdamW', lr=1.5e-4 * 64 * _gpus * _accumulate / 256, betas=(0.9, 0.95),
                 weight_decay=0.05,
                 paramwise_options=dict(norm_decay_mult=0.0, bias_decay_mult=0.0))
optimizer_config = dict(update_interval=_accumulate)
lr_config = dict(policy='CosineAnnealing', min_lr=0.0, warmup='linear',
                 warmup_iters=40 * _iters_per_epoch, warmup_ratio=1e-4)
total_epochs = 400
checkpoint_config = dict(interval=10, max_keep_ckpts=3)
