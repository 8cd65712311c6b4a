"""Training the digits demo from TFRecord files: the CPU TFRecord source and the DALI loader."""
import os.path as osp
import shutil

import pytest
import torch

from easycv_like import train
from easycv_like.utils.checkpoint import load_checkpoint_file

from ..conftest import REPO
from .direct_metrics import classifier_top1

# One epoch of 2 iterations (120 images, batch 60), evaluated on 60 images.
CONFIG = '''
_base_ = {base!r}
_root = {root!r}
_classes = {classes!r}
{datasets}
data = dict(_delete_=True, imgs_per_gpu=60, workers_per_gpu=1, train=_train, val=_val)
eval_pipelines = [dict(name='val', data=_val, evaluators=[dict(type='ClsEvaluator', topk=(1,))])]
model = dict(backbone=dict(depth=18))
total_epochs = 1
lr_config = dict(warmup_iters=1)
log_config = dict(interval=1, hooks=[dict(type='TextLoggerHook')])
'''
TFRECORD_CPU = '''
def _set(split, pipeline):
    return dict(type='ClsDataset', pipeline=pipeline, data_source=dict(
        type='TFRecord', shards=f'{_root}/{split}-*.tfrecord', classes=_classes))
_train = _set('train', [dict(type='LoadImage'), dict(type='RandomResizedCrop', size=16,
                                                    scale=(0.7, 1.0)), dict(type='PackInputs')])
_val = _set('val', [dict(type='LoadImage'), dict(type='PackInputs')])
'''
DALI_CPU = '''
def _source(split):
    return dict(type='tfrecord', shards=f'{_root}/{split}-*.tfrecord', classes=_classes)
_train = dict(type='DaliClsDataset', source=_source('train'), size=16, scale=(0.7, 1.0),
              decoder_device='cpu')
_val = dict(type='DaliClsDataset', source=_source('val'), size=16, resize_size=16,
            test_mode=True, decoder_device='cpu')
'''


@pytest.mark.parametrize('datasets', [TFRECORD_CPU, DALI_CPU], ids=['tfrecord_cpu', 'dali_cpu'])
def test_two_iterations_from_tfrecord(tmp_path, tiny_digits, digits_tfrecord, datasets):
    if 'Dali' in datasets:
        pytest.importorskip('nvidia.dali')
    path = tmp_path / 'cfg.py'
    path.write_text(CONFIG.format(
        base=osp.join(REPO, 'configs/classification/digits/resnet18_digits.py'),
        root=digits_tfrecord, classes=osp.join(tiny_digits, 'classes.txt'),
        datasets=datasets))
    result = train(str(path), work_dir=str(tmp_path / 'work'))
    meta = load_checkpoint_file(result['checkpoint'])['meta']
    assert meta['iter'] == 2 and meta['dataset_meta']['classes'][9] == '9'
    # the val shard holds val_small.txt's images: the predictor reads the same images from
    # their files (DALI decodes and resizes on its own: at most one of 60 images may differ)
    direct = classifier_top1(result['checkpoint'], osp.join(tiny_digits, 'val_small.txt'))
    tolerance = 100 / 60 if 'Dali' in datasets else 1e-6
    assert abs(result['metrics']['val/top1'] - direct) <= tolerance


MOCO_DALI = osp.join(REPO, 'configs/ssl/mocov2_r50_dali_tfrecord.py')


def _tiny_moco(digits_tfrecord, batch: int, **extra) -> dict:
    """cfg_options shrinking the MoCo v2 DALI config to digits: ResNet-18, 16x16 views."""
    return {'data.train.source.shards': osp.join(digits_tfrecord, 'train-*.tfrecord'),
            'data.train.view.size': 16, 'data.imgs_per_gpu': batch, 'data.workers_per_gpu': 1,
            'model.backbone.depth': 18, '+model.backbone.stem': 'small',
            'model.neck.in_channels': 512, 'model.neck.hid_channels': 64,
            'model.queue_len': 120, 'log_config.interval': 1, **extra}


def test_mocov2_dali_config_trains_on_the_cpu(tmp_path, digits_tfrecord):
    pytest.importorskip('nvidia.dali')
    result = train(MOCO_DALI, work_dir=str(tmp_path / 'work'),
                   cfg_options=_tiny_moco(digits_tfrecord, 60, total_epochs=1))
    assert load_checkpoint_file(result['checkpoint'])['meta']['iter'] == 2


def test_dali_resume_mid_epoch_is_exact(tmp_path, digits_tfrecord):
    """Interrupted in epoch 2 (iteration 7 of 2 x 5), resumed: the same final weights."""
    pytest.importorskip('nvidia.dali')
    options = _tiny_moco(digits_tfrecord, 24, total_epochs=2, **{
        'checkpoint_config.interval': 1, 'checkpoint_config.by_epoch': False,
        'checkpoint_config.max_keep_ckpts': 4})  # iterations 7-10: ~0.5 GB, not 1.8 GB of disk
    full = train(MOCO_DALI, work_dir=str(tmp_path / 'full'), cfg_options=options)
    (tmp_path / 'part').mkdir()
    shutil.copy(tmp_path / 'full' / 'iter_7.pth', tmp_path / 'part' / 'iter_7.pth')
    part = train(MOCO_DALI, work_dir=str(tmp_path / 'part'), cfg_options=options,
                 resume=str(tmp_path / 'part' / 'iter_7.pth'))
    expected = load_checkpoint_file(full['checkpoint'])['state_dict']
    resumed = load_checkpoint_file(part['checkpoint'])['state_dict']
    assert osp.basename(part['checkpoint']) == 'iter_10.pth'
    for key, value in expected.items():
        assert torch.equal(value, resumed[key]), key
