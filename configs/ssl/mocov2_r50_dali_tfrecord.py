# MoCo v2 ResNet-50 (configs/ssl/mocov2_r50.py) with the data read from TFRecord shards by DALI:
# JPEGs decoded on the GPU with every JPEG sent to the hardware decoder (hw_decoder_load=1.0, the
# fastest setting measured on an H100; see docs/data.md) and the same two-view MoCo v2
# augmentation (the recipe MOCOV2_VIEWS of easycv_like/data/view_recipe.py, compiled for DALI)
# run on the GPU. Without CUDA the same config decodes and augments on the CPU.
# Make the shards (shuffled, so DALI's shuffle buffer sees mixed classes) with
#   python tools/convert_to_tfrecord.py --src-type ImageList --src data/imagenet/train.txt \
#       --out data/imagenet/tfrecord --prefix train --shards 1024 --workers 16 --shuffle-seed 0
_base_ = './mocov2_r50.py'
from easycv_like.data.view_recipe import MOCOV2_VIEWS as _views, dali_multi_view_args as _dali

_data_root = 'data/imagenet/tfrecord'
data = dict(
    backend='dali',  # data/builder.py: a DALILoader instead of a DataLoader
    workers_per_gpu=8,  # DALI CPU threads per GPU
    train=dict(
        _delete_=True,
        type='DaliMultiViewDataset',
        source=dict(type='TFRecord', shards=f'{_data_root}/train-*.tfrecord'),
        **_dali(_views),
        decoder_device='mixed',
        hw_decoder_load=1.0))
