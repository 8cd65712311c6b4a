"""Shared fixtures: a tiny digits data set on disk and a fast config that trains on it."""
import logging
import os
import os.path as osp
import sys

import pytest
from mmengine.logging import MMLogger

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, osp.join(REPO, 'tools'))


@pytest.fixture(scope='session')
def tiny_digits(tmp_path_factory):
    """16x16 digits PNGs; ``train_small.txt`` (120 images) and ``val_small.txt`` (60)."""
    import prepare_demo_data
    root = str(tmp_path_factory.mktemp('digits'))
    prepare_demo_data.main(['--out', root, '--size', '16'])
    for split, count in (('train', 120), ('val', 60)):
        with open(osp.join(root, f'{split}.txt')) as f:
            lines = f.readlines()[:count]
        with open(osp.join(root, f'{split}_small.txt'), 'w') as f:
            f.writelines(lines)
    return root


def write_tiny_config(folder: str, data_root: str, extra: str = '') -> str:
    """A config inheriting the demo config, shrunk to seconds: 16x16, batch 16, 2 epochs."""
    path = osp.join(folder, 'tiny_cfg.py')
    base = osp.join(REPO, 'configs/classification/digits/resnet18_digits.py')
    text = f'''
_base_ = {base!r}
_root = {data_root!r}
_pipe = [dict(type='LoadImage'), dict(type='PackInputs')]
def _set(split):
    return dict(type='ClsDataset', pipeline=_pipe, data_source=dict(
        type='ImageList', list_file=f'{{_root}}/{{split}}_small.txt',
        classes=f'{{_root}}/classes.txt'))
data = dict(imgs_per_gpu=16, workers_per_gpu=0, train=_set('train'), val=_set('val'))
eval_pipelines = [dict(name='val', data=_set('val'),
                       evaluators=[dict(type='ClsEvaluator', topk=(1, 5))])]
model = dict(backbone=dict(depth=18))
total_epochs = 2
lr_config = dict(warmup_iters=4)
log_config = dict(interval=1, hooks=[dict(type='TextLoggerHook')])
checkpoint_config = dict(interval=1, max_keep_ckpts=-1)
{extra}
'''
    with open(path, 'w') as f:
        f.write(text)
    return path


@pytest.fixture
def tiny_config(tmp_path, tiny_digits):
    """Path of a fast training config (2 epochs x 8 iterations) writing into tmp_path."""
    return write_tiny_config(str(tmp_path), tiny_digits)


@pytest.fixture(autouse=True)
def _quiet_threads(monkeypatch):
    """Children get OMP_NUM_THREADS; a test that builds a runner with ``torch_threads`` (the
    shapes demo configs) must not change the thread count of the tests after it, whose
    in-process runs are compared bit for bit with subprocess runs."""
    import torch
    monkeypatch.setenv('OMP_NUM_THREADS', os.environ.get('OMP_NUM_THREADS', '2'))
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope='session')
def trained_run(tmp_path_factory, tiny_digits):
    """One finished tiny training run (2 epochs), shared by predictor/eval tests."""
    from easycv_like import train
    folder = str(tmp_path_factory.mktemp('trained'))
    result = train(write_tiny_config(folder, tiny_digits), work_dir=osp.join(folder, 'work'))
    result['config'] = osp.join(folder, 'tiny_cfg.py')
    return result


@pytest.fixture(scope='session')
def digits_tfrecord(tiny_digits):
    """``tiny_digits``' small train (3 shards) and val (1 shard) lists as TFRecord + .idx
    files, written by ``tools/convert_to_tfrecord.py`` into ``<tiny_digits>/tfrecord``."""
    import convert_to_tfrecord
    out = osp.join(tiny_digits, 'tfrecord')
    for split, shards in (('train', 3), ('val', 1)):
        convert_to_tfrecord.main(['--src-type', 'list', '--src',
                                  osp.join(tiny_digits, f'{split}_small.txt'),
                                  '--classes', osp.join(tiny_digits, 'classes.txt'),
                                  '--out', out, '--prefix', split, '--shards', str(shards),
                                  '--force'])
    return out


@pytest.fixture
def mmengine_warnings():
    """Messages of the WARNING records logged through mmengine's current logger."""
    records = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)
