"""The MobileNet classification configs carry torchvision's recipes; the MobileNetV3-Small digits
demo learns (that every config builds and passes the schema: tests/test_configs.py)."""
import os.path as osp

import numpy as np
import pytest
import torch
import torchvision
from mmengine.dataset import Compose

from easycv_like import train
from easycv_like.apis.config import load_config
from easycv_like.registry import MODELS, TRANSFORMS

from ..conftest import REPO


def _load(name):
    return load_config(osp.join(REPO, 'configs', 'classification', name))


@pytest.mark.parametrize('arch', ['large', 'small'])
def test_mobilenet_v3_imagenet_recipe(arch):
    cfg = _load(f'imagenet/mobilenet_v3_{arch}.py')
    opt = cfg.optimizer
    assert (opt.type, opt.lr, opt.weight_decay) == ('RMSprop', 0.064, 1e-5)
    assert (opt.alpha, opt.eps, opt.momentum) == (0.9, 0.0316, 0.9)
    assert cfg.lr_config == dict(policy='step', step=2, gamma=0.973)
    assert cfg.total_epochs == 600 and cfg.data.imgs_per_gpu * 8 == 1024
    assert cfg.ema.type == 'ExponentialMovingAverage'
    crop = cfg.data.train.pipeline[1]
    assert (crop.type, crop.size, crop.interpolation) == ('RandomResizedCrop', 224, 'bilinear')
    assert [t.type for t in cfg.data.train.pipeline] == [
        'LoadImage', 'RandomResizedCrop', 'RandomHorizontalFlip', 'AutoAugment', 'RandomErasing',
        'PackInputs']  # --auto-augment imagenet --random-erase 0.2
    auto, erase = cfg.data.train.pipeline[3:5]
    assert (auto.policy, auto.interpolation, erase.prob) == ('imagenet', 'bilinear', 0.2)
    pipeline = Compose([TRANSFORMS.build(t) for t in cfg.data.train.pipeline[1:]])
    image = np.random.default_rng(0).integers(0, 256, (300, 400, 3), np.uint8)
    packed = pipeline(dict(img=image, gt_label=0, rng=np.random.default_rng(1)))
    assert tuple(packed['inputs'].shape) == (3, 224, 224)


@pytest.mark.parametrize('name, builder', [
    ('imagenet/mobilenet_v3_large.py', torchvision.models.mobilenet_v3_large),
    ('imagenet/mobilenet_v3_small.py', torchvision.models.mobilenet_v3_small),
    ('imagenet/mobilenet_v2.py', torchvision.models.mobilenet_v2)])
def test_imagenet_models_have_torchvision_parameter_counts(name, builder):
    model = MODELS.build(_load(name).model)
    assert sum(p.numel() for p in model.parameters()) == sum(
        p.numel() for p in builder(weights=None).parameters())


def test_mobilenet_v2_imagenet_recipe():
    cfg = _load('imagenet/mobilenet_v2.py')
    assert (cfg.optimizer.type, cfg.optimizer.lr, cfg.optimizer.weight_decay) == (
        'SGD', 0.045, 4e-5)
    assert cfg.lr_config == dict(policy='step', step=1, gamma=0.98)
    assert cfg.total_epochs == 300 and cfg.data.imgs_per_gpu * 8 == 256


def test_digits_demo_learns(tmp_path, tiny_digits):
    """Three epochs over the 1437 training digits (16x16 here) lift validation top-1 from
    chance (10 %) to well above it."""
    base = osp.join(REPO, 'configs/classification/digits/mobilenet_v3_small_digits.py')
    path = tmp_path / 'cfg.py'
    path.write_text(f'''
_base_ = {base!r}
_root = {tiny_digits!r}
_pipe = [dict(type='LoadImage'), dict(type='PackInputs')]
def _set(split):
    return dict(type='ClsDataset', pipeline=_pipe, data_source=dict(
        type='ImageList', list_file=f'{{_root}}/{{split}}.txt', classes=f'{{_root}}/classes.txt'))
data = dict(imgs_per_gpu=64, workers_per_gpu=0, train=_set('train'), val=_set('val'))
total_epochs = 3
log_config = dict(interval=10, hooks=[dict(type='TextLoggerHook')])
checkpoint_config = dict(interval=3)
''')
    torch.manual_seed(0)
    result = train(str(path), work_dir=str(tmp_path / 'work'))
    assert result['metrics']['val/top1'] > 60.0
