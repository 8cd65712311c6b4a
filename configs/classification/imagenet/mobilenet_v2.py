# MobileNetV2 on ImageNet-1k, torchvision's recipe (references/classification; published top-1
# 71.878), 8 GPUs x 32 images:
#   torchrun --nproc_per_node=8 train.py --model mobilenet_v2 --epochs 300 --lr 0.045
#     --wd 0.00004 --lr-step-size 1 --lr-gamma 0.98
# (SGD, momentum 0.9, no warm-up, random-resized crop + flip, bilinear). Everything here is
# torchvision's: nothing is approximated.
_base_ = [
    '../../_base_/models/mobilenet_v2_cls.py',
    '../../_base_/datasets/imagenet_torchvision.py',
    '../../_base_/default_runtime.py',
]
data = dict(imgs_per_gpu=32)  # x 8 GPUs = 256 images per step
optimizer = dict(type='SGD', lr=0.045, momentum=0.9, weight_decay=4e-5)
optimizer_config = dict(grad_clip=None, update_interval=1)
lr_config = dict(policy='step', step=1, gamma=0.98)
total_epochs = 300
