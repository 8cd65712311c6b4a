# ImageNet-1k train list, two views per image with SimCLR's augmentation (colour strength 1):
# random-resized crop 224 (scale 0.08-1, bicubic), flip, colour jitter (0.8, 0.8, 0.8, 0.2) with
# p 0.8 (random order), grayscale p 0.2, Gaussian blur (sigma 0.1-2) p 0.5.
# Helper variables start with '_' so the schema check (unknown top-level keys) skips them.
_data_root = 'data/imagenet'
_view_pipeline = [
    dict(type='RandomResizedCrop', size=224, scale=(0.08, 1.0), interpolation='bicubic'),
    dict(type='RandomHorizontalFlip'),
    dict(type='RandomAppliedTrans', prob=0.8, transforms=[
        dict(type='ColorJitter', brightness=0.8, contrast=0.8, saturation=0.8, hue=0.2)]),
    dict(type='RandomGrayscale', prob=0.2),
    dict(type='GaussianBlur', sigma_min=0.1, sigma_max=2.0, prob=0.5),
]
data = dict(
    imgs_per_gpu=512,
    workers_per_gpu=16,
    drop_last=True,
    train=dict(
        type='MultiViewDataset',
        data_source=dict(type='ImageList', list_file=f'{_data_root}/train.txt'),
        num_views=[2],
        pipelines=[_view_pipeline]))
