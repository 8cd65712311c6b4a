# MobileNetV3-Small on ImageNet-1k, torchvision's recipe (references/classification, TorchVision
# 0.9; published top-1 67.668), 8 GPUs x 128 images:
#   torchrun --nproc_per_node=8 train.py --model mobilenet_v3_small --epochs 600 --opt rmsprop
#     --batch-size 128 --lr 0.064 --wd 0.00001 --lr-step-size 2 --lr-gamma 0.973
#     --auto-augment imagenet --random-erase 0.2
#   then the weights of the last 3 checkpoints that improved top-1 were averaged.
# Here: the optimizer (RMSprop eps 0.0316, alpha 0.9, momentum 0.9), rate, decay, step schedule,
# epochs, batch, crop sizes, bilinear interpolation, AutoAugment (ImageNet policy) and random
# erasing (p 0.2) are torchvision's (its own transforms, imagenet_torchvision_autoaugment.py).
# Approximated: checkpoint averaging is replaced by an exponential moving average of the
# weights (momentum 3e-4: about the last 3 epochs of 1251 iterations), which is what is
# validated and saved.
_base_ = [
    '../../_base_/models/mobilenet_v3_small_cls.py',
    '../../_base_/datasets/imagenet_torchvision_autoaugment.py',
    '../../_base_/schedules/rmsprop_step_600e.py',
    '../../_base_/default_runtime.py',
]
data = dict(imgs_per_gpu=128, drop_last=True)  # x 8 GPUs = 1024 images per step
ema = dict(type='ExponentialMovingAverage', momentum=0.0003)
