# LR-ASPP on a dilated MobileNetV3-Large, from scratch, on the coloured-shapes masks (make them
# with python tools/make_shapes_dataset.py --out data/shapes); `make demo-seg` runs it.
# 4 classes (background, circle, square, triangle). To fit 2 CPU cores, training uses 96-px
# crops of images rescaled to fit 128 px times 0.5..1.25; evaluation runs on the whole images
# at their own size (shapes_seg.py). Batch 16, AdamW lr 3e-3 with a poly decay, 30 epochs.
# Measured (2 shared cores, load average 3-7 from other jobs): val/mIoU 1.08 (random init) ->
# 41.9 (epoch 5) -> 45.7 (10) -> 50.8 (15) -> 52.5 (20) -> 58.1 (25) -> 64.59 at epoch 30
# (IoU background 99.8, circle 58.7, square 78.1, triangle 21.7) in 36 min wall, 29 min of CPU
# time; with 64-px crops and lr 2e-3: 39.65. The 70 % goal is not reached yet (triangles).
# BN momentum 0.1 (norm_cfg): torchvision's 0.01 suits long pretrained runs; from scratch in 450
# iterations its running statistics lag the weights and evaluation falls to background only
# (measured: 22 mIoU at epoch 15 with 0.01), so they follow at 0.1.
# The evaluation before training gives the random-init mIoU, the last one the trained figure
# (`val/mIoU`, percent).
_base_ = ['../../_base_/datasets/shapes_seg.py', '../../_base_/default_runtime.py']
model = dict(
    type='Segmentation',
    backbone=dict(type='MobileNetV3', arch='large', dilated=True, out_indices=(4, 16),
                  norm_cfg=dict(type='BN', eps=0.001, momentum=0.1)),
    decode_head=dict(type='LRASPPHead', in_channels=(40, 960), num_classes=4, channels=128))
data = dict(
    drop_last=True,
    train=dict(pipeline=[
        dict(type='LoadImage'),
        dict(type='LoadSegMap'),
        dict(type='RandomResize', scale=(128, 128), ratio_range=(0.5, 1.25)),
        dict(type='RandomCrop', size=96),
        dict(type='RandomHorizontalFlip'),
        dict(type='PhotoMetricDistortion'),
        dict(type='PackSegInputs'),
    ]))
eval_pipelines = [dict(name='val', data='val', imgs_per_gpu=8,
                       evaluators=[dict(type='SegmentationEvaluator')])]
eval_config = dict(initial=True, interval=5)
optimizer = dict(type='AdamW', lr=3e-3, weight_decay=1e-4)
optimizer_config = dict(grad_clip=None)
lr_config = dict(policy='poly', power=0.9, min_lr=0.0, by_epoch=False)
total_epochs = 30
checkpoint_config = dict(interval=30, max_keep_ckpts=1)
log_config = dict(interval=15, hooks=[dict(type='TextLoggerHook')])
