# ImageNet-1k train list, one view per image: the MAE augmentation (crop + flip only).
# Helper variables start with '_' so the schema check (unknown top-level keys) skips them.
_data_root = 'data/imagenet'
_train_pipeline = [
    dict(type='LoadImage'),
    dict(type='RandomResizedCrop', size=224, scale=(0.2, 1.0), interpolation='bicubic'),
    dict(type='RandomHorizontalFlip'),
    dict(type='PackInputs'),
]
data = dict(
    imgs_per_gpu=64,
    workers_per_gpu=8,
    drop_last=True,
    train=dict(
        type='ClsDataset',
        data_source=dict(type='ImageList', list_file=f'{_data_root}/train.txt'),
        pipeline=_train_pipeline))
