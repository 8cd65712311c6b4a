# Fine-tuning an MAE-pretrained ViT-B/16 on ImageNet-1k, 100 epochs: batch 1024 (8 GPUs x 128),
# AdamW lr 5e-4 x 1024 / 256, layer-wise lr decay 0.65, drop path 0.1, label smoothing 0.1,
# 5 warm-up epochs, cosine to 1e-6 (times each group's layer scale, as in MAE).
# Start from the pre-training checkpoint, --load_from work_dirs/mae_vit_base_p16/latest.pth, or
# from MAE's release, --load_from mae_pretrain_vit_base.pth. load_cfg below says what starts
# afresh, as in MAE: the LayerNorm after pooling (fc_norm) and the classifier; every other weight
# must be in the file. The file's final norm and the decoder are unused (listed in the report).
_base_ = [
    '../_base_/models/vit_base_p16_cls.py',
    '../_base_/datasets/imagenet_finetune.py',
    '../_base_/default_runtime.py',
]
_gpus = 8
_iters_per_epoch = 1281167 // (128 * _gpus)
optimizer = dict(type='AdamW', lr=5e-4 * 128 * _gpus / 256, betas=(0.9, 0.999),
                 weight_decay=0.05, constructor='LayerDecayOptimWrapperConstructor',
                 paramwise_options=dict(
                     layer_decay=0.65, norm_decay_mult=0.0, bias_decay_mult=0.0,
                     custom_keys={'pos_embed': dict(decay_mult=0.0),
                                  'cls_token': dict(decay_mult=0.0)}))
lr_config = dict(policy='CosineAnnealing', min_lr_ratio=5e-4, warmup='linear',  # 1e-6 / 2e-3
                 warmup_iters=5 * _iters_per_epoch, warmup_ratio=1e-4)
total_epochs = 100
load_cfg = dict(exclude=['backbone.fc_norm.', 'head.fc.'])
checkpoint_config = dict(interval=5, max_keep_ckpts=3)
