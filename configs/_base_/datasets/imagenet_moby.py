# ImageNet-1k train list with MoBY's (BYOL's) asymmetric two-view augmentation: 224 px crops of
# scale 0.08-1; blur on view 1; blur 0.1 + solarization 0.2 on view 2.
_data_root = 'data/imagenet'
_crop_flip_color = [
    dict(type='RandomResizedCrop', size=224, scale=(0.08, 1.0), interpolation='bicubic'),
    dict(type='RandomHorizontalFlip'),
    dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.2, hue=0.1, prob=0.8),
    dict(type='RandomGrayscale', prob=0.2),
]
_view1 = [*_crop_flip_color, dict(type='GaussianBlur', sigma_min=0.1, sigma_max=2.0, prob=1.0)]
_view2 = [*_crop_flip_color,
          dict(type='GaussianBlur', sigma_min=0.1, sigma_max=2.0, prob=0.1),
          dict(type='Solarization', threshold=128, prob=0.2)]
data = dict(
    imgs_per_gpu=64,
    workers_per_gpu=8,
    drop_last=True,
    train=dict(
        type='MultiViewDataset',
        data_source=dict(type='ImageList', list_file=f'{_data_root}/train.txt'),
        num_views=[1, 1],
        pipelines=[_view1, _view2]))
