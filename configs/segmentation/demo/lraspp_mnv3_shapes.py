# LR-ASPP on a dilated MobileNetV3-Large, from scratch, on the coloured-shapes masks (make them
# with python tools/make_shapes_dataset.py --out data/shapes); `make demo-seg` runs it.
# 4 classes (background, circle, square, triangle). To fit 2 CPU cores, training uses 96-px
# crops of images rescaled to fit 128 px times 0.5..1.25; evaluation runs on the whole images
# at their own size (shapes_seg.py). Batch 16, AdamW lr 3e-3 with a poly decay, 100 epochs, one
# torch thread (torch_threads: two threads on 2 cores shared with the loader workers ran this
# model over 10x slower).
# Measured (2 cores, while DeepLabV3 trained beside it): val/mIoU 1.08 (random init) -> 39.2
# (epoch 10) -> 70.6 (30) -> 89.5 (60) -> 94.1 (80) -> 95.40 at epoch 100, 9 min 53 s wall
# (0.35 s per iteration alone, about 6 minutes for the run). A 30-epoch schedule reached 62.7.
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
eval_config = dict(initial=True, interval=10)
optimizer = dict(type='AdamW', lr=3e-3, weight_decay=1e-4)
optimizer_config = dict(grad_clip=None)
lr_config = dict(policy='poly', power=0.9, min_lr=0.0, by_epoch=False)
total_epochs = 100
checkpoint_config = dict(interval=100, max_keep_ckpts=1)
torch_threads = 1
log_config = dict(interval=15, hooks=[dict(type='TextLoggerHook')])
