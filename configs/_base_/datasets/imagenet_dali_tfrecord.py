# ImageNet-1k from TFRecord shards through DALI (GPU decoding; CPU-only machines fall back to
# CPU decoding with a warning). Make the shards with tools/convert_to_tfrecord.py, e.g.
#   python tools/convert_to_tfrecord.py --src-type ImageFolder --src data/imagenet/train \
#       --out data/imagenet/tfrecord --prefix train --shards 1024 --workers 16 --shuffle-seed 0
#   python tools/convert_to_tfrecord.py --src-type ImageFolder --src data/imagenet/val \
#       --out data/imagenet/tfrecord --prefix val --shards 64 --workers 16
_data_root = 'data/imagenet/tfrecord'
_decode = dict(decoder_device='mixed', hw_decoder_load=1.0)  # fastest on an H100 (docs/data.md)
data = dict(
    backend='dali',  # data/builder.py: a DALILoader instead of a DataLoader
    imgs_per_gpu=256,
    workers_per_gpu=8,  # DALI CPU threads per GPU
    drop_last=True,
    train=dict(type='DaliClsDataset', size=224, scale=(0.08, 1.0), **_decode,
               source=dict(type='TFRecord', shards=f'{_data_root}/train-*.tfrecord',
                           classes=f'{_data_root}/classes.txt')),
    val=dict(type='DaliClsDataset', size=224, resize_size=256, test_mode=True, **_decode,
             source=dict(type='TFRecord', shards=f'{_data_root}/val-*.tfrecord',
                         classes=f'{_data_root}/classes.txt')))
eval_config = dict(interval=1, save_best='val/top1')
eval_pipelines = [dict(name='val', data='val',  # data.val, resolved after merging
                       evaluators=[dict(type='ClsEvaluator', topk=(1, 5))])]
