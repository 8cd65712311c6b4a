# The coloured-shapes set as semantic segmentation (0 background, 1-3 shapes, 255 ignore);
# make it with tools/make_shapes_dataset.py --out data/shapes.
_data_root = 'data/shapes'
_collate = dict(type='pad_collate', size_divisor=32, pad_value=0, seg_pad_value=255)
_train_pipeline = [
    dict(type='LoadImage'),
    dict(type='LoadSegMap'),
    dict(type='RandomResize', scale=(128, 128), ratio_range=(0.5, 2.0)),
    dict(type='RandomCrop', size=96),
    dict(type='RandomHorizontalFlip'),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs'),
]
_val_pipeline = [
    dict(type='LoadImage'),
    dict(type='LoadSegMap'),
    dict(type='PackSegInputs'),
]
data = dict(
    imgs_per_gpu=16,
    workers_per_gpu=2,
    train=dict(
        type='SegDataset',
        data_source=dict(type='SegFolder', img_dir=f'{_data_root}/train/images',
                         mask_dir=f'{_data_root}/train/masks',
                         classes=f'{_data_root}/seg_classes.txt'),
        pipeline=_train_pipeline,
        collate=_collate),
    val=dict(
        type='SegDataset',
        data_source=dict(type='SegFolder', img_dir=f'{_data_root}/val/images',
                         mask_dir=f'{_data_root}/val/masks',
                         classes=f'{_data_root}/seg_classes.txt'),
        pipeline=_val_pipeline,
        collate=_collate))
