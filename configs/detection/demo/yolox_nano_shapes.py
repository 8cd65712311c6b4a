# YOLOX-nano on the coloured-shapes set (make it with
#   python tools/make_shapes_dataset.py --out data/shapes; `make demo-det` does everything),
# trained from scratch on 2 CPU cores. COCO box AP on the 60 val images is printed before
# training and at the end: `coco/mAP50: X before training -> Y at epoch N`.
# Measured: coco/mAP50 0.00 before training -> 87.07 at epoch 120 (84.33 at epoch 60), 16 min for
# the whole `make demo-det` target (data, training, the 8 evaluations, 4 predictions drawn) in a
# fresh clone on 2 Intel Xeon cores. Earlier, on 2 AMD EPYC cores before RandomAffine warped
# pixels on pixel edges: 0.00 -> 88.38 (86.9 at epoch 60), 9 min 38 s for the whole target.
# The YOLOX recipe shrunk to the data: 128 x 128 input (multi-scale 96 - 160 every 10
# iterations), mosaic + random affine + mix-up, HSV, flip, letterbox pad 114, unnormalised BGR;
# the last epochs without mixing and with the L1 loss (ModeSwitchHook), EMA with a short ramp.
_base_ = [
    '../../_base_/models/yolox.py',
    '../../_base_/datasets/shapes_det.py',
    '../../_base_/default_runtime.py',
]
_epochs = 120
_last_epochs = 20
_deepen_factor, _widen_factor = 0.33, 0.25
model = dict(
    backbone=dict(deepen_factor=_deepen_factor, widen_factor=_widen_factor, depthwise=True),
    neck=dict(deepen_factor=_deepen_factor, widen_factor=_widen_factor, depthwise=True),
    head=dict(num_classes=3, widen_factor=_widen_factor, depthwise=True),
    data_preprocessor=dict(batch_resize=dict(size_range=(96, 160))))
data = dict(imgs_per_gpu=16, workers_per_gpu=2)
eval_pipelines = [dict(name='coco', data='val', imgs_per_gpu=30,
                       evaluators=[dict(type='CocoDetectionEvaluator')])]
eval_config = dict(initial=True, interval=20,
                   dynamic_intervals=[(-_last_epochs, 10)])
optimizer = dict(type='SGD', lr=0.02, momentum=0.9, nesterov=True, weight_decay=5e-4,
                 paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0))
lr_config = dict(policy='YOLOX', warmup='quadratic', warmup_by_epoch=True, warmup_iters=2,
                 warmup_ratio=0.0, min_lr_ratio=0.05, by_epoch=False)
total_epochs = _epochs
num_last_epochs = _last_epochs  # no mixing, L1 loss, LR at the floor
ema = dict(type='ExpMomentumEMA', momentum=0.0002, gamma=200)
checkpoint_config = dict(interval=_epochs, max_keep_ckpts=1)
log_config = dict(interval=15, hooks=[dict(type='TextLoggerHook')])
custom_hooks = [dict(type='ModeSwitchHook')]
# one intra-op thread: this small model's operators are too short to share between threads on
# 2 cores that also run the loader workers (2 threads: over 10x slower on a busy machine)
torch_threads = 1
