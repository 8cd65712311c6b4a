# ImageNet-1k train list, two views per image with the MoCo v2 augmentation: random-resized crop
# 224 (scale 0.2-1), colour jitter (0.4, 0.4, 0.4, 0.1) with p 0.8, grayscale p 0.2, Gaussian blur
# (sigma 0.1-2) p 0.5, horizontal flip. Labels are not used for pre-training.
# Helper variables start with '_' so the schema check (unknown top-level keys) skips them.
_data_root = 'data/imagenet'
_view_pipeline = [
    dict(type='RandomResizedCrop', size=224, scale=(0.2, 1.0)),
    dict(type='RandomAppliedTrans', prob=0.8, transforms=[
        dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1)]),
    dict(type='RandomGrayscale', prob=0.2),
    dict(type='GaussianBlur', sigma_min=0.1, sigma_max=2.0, prob=0.5),
    dict(type='RandomHorizontalFlip'),
]
data = dict(
    imgs_per_gpu=32,
    workers_per_gpu=4,
    drop_last=True,
    train=dict(
        type='MultiViewDataset',
        data_source=dict(type='ImageList', list_file=f'{_data_root}/train.txt'),
        num_views=[2],
        pipelines=[_view_pipeline]))
