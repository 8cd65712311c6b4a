"""extract_features(): whole splits to .npy files, row for row equal to FeatureExtractor's."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config

from easycv_like import FeatureExtractor
from easycv_like.apis.config import load_config
from easycv_like.apis.extract_features import (extract_features, feature_dataset_cfg,
                                               load_features, main)
from easycv_like.registry import MODELS
from easycv_like.utils.weight_loading import WeightLoadError

from ..conftest import REPO
from ..predictors.test_classification_predictor import _val_images


def test_val_split_rows_equal_feature_extractor(trained_run, tiny_digits, tmp_path):
    out = str(tmp_path / 'val')
    result = extract_features(trained_run['config'], trained_run['checkpoint'], split='val',
                              out_dir=out, l2norm=True, batch_size=7, device='cpu')
    saved = load_features(out)
    assert np.load(osp.join(out, 'features.npy')).dtype == np.float32
    assert np.load(osp.join(out, 'labels.npy')).dtype == np.int64
    np.testing.assert_array_equal(saved['features'], result['features'])
    images, labels = _val_images(tiny_digits)
    assert saved['features'].shape == (60, 512)
    np.testing.assert_array_equal(saved['labels'], labels)
    expected = FeatureExtractor(trained_run['checkpoint']).extract(images, l2norm=True)
    np.testing.assert_allclose(saved['features'], expected, rtol=1e-5, atol=1e-6)


def test_cli_train_split(trained_run, tiny_digits, tmp_path, capsys):
    out = str(tmp_path / 'train')
    main([trained_run['config'], trained_run['checkpoint'], '--split', 'train', '--out', out,
          '--batch-size', '32', '--device', 'cpu'])
    assert 'train: 120 features of dimension 512' in capsys.readouterr().out
    with open(osp.join(tiny_digits, 'train_small.txt')) as f:
        labels = [int(line.split()[1]) for line in f]
    np.testing.assert_array_equal(load_features(out)['labels'], labels)


def test_train_split_uses_the_deterministic_inference_pipeline():
    source = dict(type='ImageList', list_file='train.txt')
    eval_pipe = [dict(type='LoadImage'), dict(type='Resize', size=32), dict(type='PackInputs')]
    cfg = Config(dict(
        data=dict(train=dict(type='MultiViewDataset', data_source=source,
                             pipeline=[dict(type='RandomResizedCrop', size=32)])),
        eval_pipelines=[dict(name='val', data=dict(type='ClsDataset', pipeline=eval_pipe,
                                                   data_source=dict(source, list_file='v'))),
                        ]))
    assert feature_dataset_cfg(cfg, 'train') == dict(type='ClsDataset', data_source=source,
                                                     pipeline=eval_pipe)
    assert feature_dataset_cfg(cfg, 'val')['data_source']['list_file'] == 'v'


def test_unsupported_splits_and_datasets():
    cfg = Config(dict(data=dict(train=dict(type='DaliClsDataset', source=dict()))))
    with pytest.raises(ValueError, match='data_source'):
        feature_dataset_cfg(cfg, 'train')
    with pytest.raises(ValueError, match='data.val'):
        feature_dataset_cfg(cfg, 'val')
    with pytest.raises(ValueError, match='split'):
        feature_dataset_cfg(cfg, 'test')


def test_pre_training_config_without_an_inference_pipeline_is_refused():
    """configs/ssl/simclr_r50.py has only multi-view training views: an error naming what to
    add, instead of a KeyError 'img' from a pipeline that loads no file."""
    cfg = load_config(osp.join(REPO, 'configs', 'ssl', 'simclr_r50.py'))
    for split in ('train', 'val'):
        if split == 'val':
            cfg.data.val = dict(type='ClsDataset', data_source=cfg.data.train.data_source)
        with pytest.raises(ValueError, match=r'no inference pipeline .* data\.val=dict'):
            feature_dataset_cfg(cfg, split)
    pipeline = [dict(type='LoadImage'), dict(type='PackInputs')]
    cfg.data.val['pipeline'] = pipeline
    assert feature_dataset_cfg(cfg, 'train')['pipeline'] == pipeline


def _tiny_moco_config(folder, data_root):
    """The MoCo digits demo config on the tiny lists, without workers."""
    path = osp.join(folder, 'tiny_moco.py')
    base = osp.join(REPO, 'configs', 'ssl', 'demo', 'mocov2_digits.py')
    text = f'''
_base_ = {base!r}
_root = {data_root!r}
def _split(name):
    return dict(type='ClsDataset', data_source=dict(
        type='ImageList', list_file=f'{{_root}}/{{name}}_small.txt',
        classes=f'{{_root}}/classes.txt'),
        pipeline=[dict(type='LoadImage'), dict(type='PackInputs')])
data = dict(workers_per_gpu=0, train=dict(data_source=dict(
    list_file=f'{{_root}}/train_small.txt')))
eval_pipelines = [dict(name='knn', data=dict(type='KNNDataset', bank=_split('train'),
                                             query=_split('val')),
                       evaluators=[dict(type='KNNEvaluator')])]
'''
    with open(path, 'w') as f:
        f.write(text)
    return path


def test_self_supervised_checkpoint(tiny_digits, tmp_path):
    config = _tiny_moco_config(str(tmp_path), tiny_digits)
    cfg = load_config(config)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    ckpt = str(tmp_path / 'moco.pth')
    torch.save({'state_dict': model.state_dict(), 'meta': {'config_dict': cfg.to_dict()}}, ckpt)

    val = extract_features(config, ckpt, split='val', l2norm=True, device='cpu')
    images, labels = _val_images(tiny_digits)
    np.testing.assert_array_equal(val['labels'], labels)
    extractor = FeatureExtractor(ckpt)
    np.testing.assert_allclose(val['features'], extractor.extract(images, l2norm=True),
                               rtol=1e-5, atol=1e-6)
    predicted = torch.stack([d['feature'] for d in extractor.forward(images[:5])])
    np.testing.assert_allclose(val['features'][:5], predicted.numpy(), rtol=1e-5, atol=1e-6)

    train = extract_features(config, ckpt, split='train', device='cpu')  # multi-view config
    assert train['features'].shape == (120, 512) and train['features'].dtype == np.float32


def test_checkpoint_missing_a_key_is_refused_with_its_name(trained_run, tmp_path):
    ckpt = torch.load(trained_run['checkpoint'], map_location='cpu', weights_only=True)
    del ckpt['state_dict']['head.fc.bias']
    torch.save(ckpt, tmp_path / 'cut.pth')
    with pytest.raises(WeightLoadError, match=r'(?s)cut\.pth.*missing .*: 1: head\.fc\.bias'):
        extract_features(trained_run['config'], str(tmp_path / 'cut.pth'), device='cpu')
    with pytest.raises(WeightLoadError, match=r'(?s)cut\.pth.*head\.fc\.bias'):
        FeatureExtractor(str(tmp_path / 'cut.pth'))
