# ImageNet-1k train list with SwAV's multi-crop: 2 crops of 224 px (scale 0.14-1) and 6 of 96 px
# (scale 0.05-0.14), each with flip, colour jitter (0.8, 0.8, 0.8, 0.2) p 0.8, grayscale p 0.2 and
# Gaussian blur (sigma 0.1-2) p 0.5. The large crops come first (SwAVHead.crops_for_assign).
# Helper variables start with '_' so the schema check (unknown top-level keys) skips them.
_data_root = 'data/imagenet'
_flip_color_blur = [
    dict(type='RandomHorizontalFlip'),
    dict(type='RandomAppliedTrans', prob=0.8, transforms=[
        dict(type='ColorJitter', brightness=0.8, contrast=0.8, saturation=0.8, hue=0.2)]),
    dict(type='RandomGrayscale', prob=0.2),
    dict(type='GaussianBlur', sigma_min=0.1, sigma_max=2.0, prob=0.5),
]
_large = [dict(type='RandomResizedCrop', size=224, scale=(0.14, 1.0)), *_flip_color_blur]
_small = [dict(type='RandomResizedCrop', size=96, scale=(0.05, 0.14)), *_flip_color_blur]
data = dict(
    imgs_per_gpu=32,
    workers_per_gpu=10,
    drop_last=True,
    train=dict(
        type='MultiViewDataset',
        data_source=dict(type='ImageList', list_file=f'{_data_root}/train.txt'),
        num_views=[2, 6],
        pipelines=[_large, _small]))
