# ResNet-50 on ImageNet-1k, 90 epochs, data from TFRecord shards through DALI (8 GPUs x 256).
_base_ = [
    '../../_base_/models/resnet50_cls.py',
    '../../_base_/datasets/imagenet_dali_tfrecord.py',
    '../../_base_/schedules/sgd_cosine.py',
    '../../_base_/default_runtime.py',
]
optimizer = dict(lr=0.8, weight_decay=1e-4, nesterov=False)  # 0.1 x 2048 / 256
lr_config = dict(warmup_iters=3125)  # 5 epochs of 625 iterations
total_epochs = 90
channels_last = True
