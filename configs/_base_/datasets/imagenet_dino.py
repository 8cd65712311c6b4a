# ImageNet-1k train list with DINO's multi-crop augmentation: 2 global crops (224 px, scale
# 0.4-1; blur on the first, blur 0.1 + solarization 0.2 on the second) and 8 local crops (96 px,
# scale 0.05-0.4). Helper variables start with '_' so the schema check skips them.
_data_root = 'data/imagenet'
_flip_and_color = [
    dict(type='RandomHorizontalFlip'),
    dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.2, hue=0.1, prob=0.8),
    dict(type='RandomGrayscale', prob=0.2),
]
_global1 = [dict(type='RandomResizedCrop', size=224, scale=(0.4, 1.0), interpolation='bicubic'),
            *_flip_and_color,
            dict(type='GaussianBlur', sigma_min=0.1, sigma_max=2.0, prob=1.0)]
_global2 = [dict(type='RandomResizedCrop', size=224, scale=(0.4, 1.0), interpolation='bicubic'),
            *_flip_and_color,
            dict(type='GaussianBlur', sigma_min=0.1, sigma_max=2.0, prob=0.1),
            dict(type='Solarization', threshold=128, prob=0.2)]
_local = [dict(type='RandomResizedCrop', size=96, scale=(0.05, 0.4), interpolation='bicubic'),
          *_flip_and_color,
          dict(type='GaussianBlur', sigma_min=0.1, sigma_max=2.0, prob=0.5)]
data = dict(
    imgs_per_gpu=64,
    workers_per_gpu=10,
    drop_last=True,
    train=dict(
        type='MultiViewDataset',
        data_source=dict(type='ImageList', list_file=f'{_data_root}/train.txt'),
        num_views=[1, 1, 8],
        pipelines=[_global1, _global2, _local]))
