# ImageNet-1k lists with the augmentation of torchvision's classification reference scripts:
# random-resized crop 224 + flip for training; resize 256 + centre crop 224 for validation,
# bilinear throughout (torchvision's default interpolation).
_data_root = 'data/imagenet'
_train_pipeline = [
    dict(type='LoadImage'),
    dict(type='RandomResizedCrop', size=224, interpolation='bilinear'),
    dict(type='RandomHorizontalFlip'),
    dict(type='PackInputs'),
]
_val_pipeline = [
    dict(type='LoadImage'),
    dict(type='Resize', size=256, interpolation='bilinear'),
    dict(type='CenterCrop', size=224),
    dict(type='PackInputs'),
]
data = dict(
    imgs_per_gpu=128,
    workers_per_gpu=8,
    train=dict(
        type='ClsDataset',
        data_source=dict(type='ImageList', list_file=f'{_data_root}/train.txt',
                         classes=f'{_data_root}/classes.txt'),
        pipeline=_train_pipeline),
    val=dict(
        type='ClsDataset',
        data_source=dict(type='ImageList', list_file=f'{_data_root}/val.txt',
                         classes=f'{_data_root}/classes.txt'),
        pipeline=_val_pipeline))
eval_config = dict(interval=1, save_best='val/top1')
eval_pipelines = [dict(name='val', data='val',  # data.val, resolved after merging
                       evaluators=[dict(type='ClsEvaluator', topk=(1, 5))])]
