# scikit-learn's handwritten digits as 32x32 PNGs (make them with tools/prepare_demo_data.py).
# Helper variables start with '_' so the schema check (unknown top-level keys) skips them.
_data_root = 'data/digits'
_train_pipeline = [
    dict(type='LoadImage'),
    dict(type='RandomResizedCrop', size=32, scale=(0.7, 1.0), ratio=(0.85, 1.15)),
    dict(type='PackInputs'),
]
_val_pipeline = [
    dict(type='LoadImage'),
    dict(type='Resize', size=32),
    dict(type='PackInputs'),
]
data = dict(
    imgs_per_gpu=64,
    workers_per_gpu=2,
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
