# The coloured-shapes detection set (make it with tools/make_shapes_dataset.py --out data/shapes).
# YOLOX-style training data: mosaic + affine + mix-up, no mixing in the last `num_last_epochs`
# (a leaf config sets it; the engine fills no_mix_epochs / max_epochs). Images padded per batch.
_data_root = 'data/shapes'
_img_scale = (128, 128)
_collate = dict(type='pad_collate', size_divisor=32, pad_value=114)
_train_pipeline = [
    dict(type='RandomHSV'),
    dict(type='RandomHorizontalFlip'),
    dict(type='Letterbox', size=_img_scale, pad_value=114),
    dict(type='FilterBoxes', min_size=2),
    dict(type='PackDetInputs'),
]
_val_pipeline = [
    dict(type='LoadImage'),
    dict(type='Letterbox', size=_img_scale, pad_value=114),
    dict(type='PackDetInputs'),
]
data = dict(
    imgs_per_gpu=16,
    workers_per_gpu=2,
    train=dict(
        type='MixedImagesDataset',
        data_source=dict(type='Coco', ann_file=f'{_data_root}/train/annotations.json',
                         img_root=f'{_data_root}/train/images'),
        mosaic=dict(img_scale=_img_scale, pad_value=114),
        mosaic_pipeline=[dict(type='RandomAffine', border=(-64, -64), pad_value=114)],
        mixup=dict(img_scale=_img_scale, pad_value=114),
        pipeline=_train_pipeline,
        collate=_collate),
    val=dict(
        type='DetDataset',
        data_source=dict(type='Coco', ann_file=f'{_data_root}/val/annotations.json',
                         img_root=f'{_data_root}/val/images'),
        pipeline=_val_pipeline,
        collate=_collate))
