# LR-ASPP on a dilated MobileNetV3-Large, from scratch, on the coloured-shapes masks (make them
# with python tools/make_shapes_dataset.py --out data/shapes); `make demo-seg` runs it.
# 4 classes (background, circle, square, triangle); 96-px crops of images rescaled around
# 128 px, batch 16, AdamW with a poly decay. The evaluation before training gives the
# random-init mIoU, the last one the trained figure (`val/mIoU`, percent).
_base_ = ['../../_base_/datasets/shapes_seg.py', '../../_base_/default_runtime.py']
model = dict(
    type='Segmentation',
    backbone=dict(type='MobileNetV3', arch='large', dilated=True, out_indices=(4, 16)),
    decode_head=dict(type='LRASPPHead', in_channels=(40, 960), num_classes=4, channels=128))
data = dict(drop_last=True)
eval_pipelines = [dict(name='val', data='val', imgs_per_gpu=8,
                       evaluators=[dict(type='SegmentationEvaluator')])]
eval_config = dict(initial=True, interval=10)
optimizer = dict(type='AdamW', lr=2e-3, weight_decay=1e-4)
optimizer_config = dict(grad_clip=None)
lr_config = dict(policy='poly', power=0.9, min_lr=0.0, by_epoch=False)
total_epochs = 40
checkpoint_config = dict(interval=40, max_keep_ckpts=1)
log_config = dict(interval=15, hooks=[dict(type='TextLoggerHook')])
