# ImageNet-1k train list with MoBY's augmentation, which is BYOL's asymmetric two-view one
# (see imagenet_byol.py); only the batch differs: 64 images per GPU (x 16 GPUs = 1024).
_base_ = ['./imagenet_byol.py']
data = dict(imgs_per_gpu=64, workers_per_gpu=8)
