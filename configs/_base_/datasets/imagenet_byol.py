# ImageNet-1k train list with BYOL's asymmetric two-view augmentation (paper, Table 6):
# random-resized crop 224 (scale 0.08-1, bicubic), flip, colour jitter (0.4, 0.4, 0.2, 0.1) with
# p 0.8 (random order), grayscale p 0.2; Gaussian blur (sigma 0.1-2) p 1.0 on view 1 and p 0.1 on
# view 2; solarization p 0.2 on view 2 only.
# Helper variables start with '_' so the schema check (unknown top-level keys) skips them.
_data_root = 'data/imagenet'
_crop_flip_color = [
    dict(type='RandomResizedCrop', size=224, scale=(0.08, 1.0), interpolation='bicubic'),
    dict(type='RandomHorizontalFlip'),
    dict(type='RandomAppliedTrans', prob=0.8, transforms=[
        dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.2, hue=0.1)]),
    dict(type='RandomGrayscale', prob=0.2),
]
_view1 = [*_crop_flip_color, dict(type='GaussianBlur', sigma_min=0.1, sigma_max=2.0, prob=1.0)]
_view2 = [*_crop_flip_color,
          dict(type='GaussianBlur', sigma_min=0.1, sigma_max=2.0, prob=0.1),
          dict(type='Solarization', threshold=128, prob=0.2)]
data = dict(
    imgs_per_gpu=512,
    workers_per_gpu=16,
    drop_last=True,
    train=dict(
        type='MultiViewDataset',
        data_source=dict(type='ImageList', list_file=f'{_data_root}/train.txt'),
        num_views=[1, 1],
        pipelines=[_view1, _view2]))
