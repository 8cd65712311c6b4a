"""train() in this process and with 2 gloo processes under torchrun; evaluate()."""
import os.path as osp

import pytest

from easycv_like import evaluate, train
from easycv_like.utils.checkpoint import load_checkpoint_file

from .direct_metrics import classifier_top1


def test_train_returns_work_dir_checkpoint_and_metrics(trained_run, tiny_digits):
    assert osp.isfile(trained_run['checkpoint'])
    assert trained_run['checkpoint'].endswith('epoch_2.pth')
    assert osp.isfile(osp.join(trained_run['work_dir'], 'latest.pth'))
    assert osp.isfile(osp.join(trained_run['work_dir'], 'tiny_cfg.py'))  # resolved config dump
    assert set(trained_run['metrics']) == {'val/top1', 'val/top5'}
    direct = classifier_top1(trained_run['checkpoint'], osp.join(tiny_digits, 'val_small.txt'))
    assert trained_run['metrics']['val/top1'] == pytest.approx(direct)


def test_evaluate_reproduces_the_last_validation(trained_run, tmp_path):
    metrics = evaluate(trained_run['config'], trained_run['checkpoint'],
                       work_dir=str(tmp_path))
    assert metrics['val/top1'] == pytest.approx(trained_run['metrics']['val/top1'])


def test_eval_pipelines_with_two_datasets(trained_run, tmp_path, tiny_digits):
    both = {'eval_pipelines': [
        dict(name=name, evaluators=[dict(type='ClsEvaluator', topk=(1,))], data=dict(
            type='ClsDataset', pipeline=[dict(type='LoadImage'), dict(type='PackInputs')],
            data_source=dict(type='ImageList', list_file=f'{tiny_digits}/{split}_small.txt')))
        for name, split in (('seen', 'train'), ('unseen', 'val'))]}
    metrics = evaluate(trained_run['config'], trained_run['checkpoint'], cfg_options=both,
                       work_dir=str(tmp_path))
    assert set(metrics) == {'seen/top1', 'unseen/top1'}
    assert metrics['unseen/top1'] == pytest.approx(trained_run['metrics']['val/top1'])


def test_train_with_two_gloo_processes(tiny_config, tmp_path):
    result = train(tiny_config, gpus=2, work_dir=str(tmp_path / 'ddp'),  # warm-up < 4 iterations
                   cfg_options={'total_epochs': 1, 'lr_config.warmup_iters': 2})
    assert result['checkpoint'].endswith('epoch_1.pth')
    assert 'val/top1' in result['metrics']
    # each process reads 60 of the 120 images: ceil(60 / 16) = 4 iterations, not 8
    assert load_checkpoint_file(result['checkpoint'])['meta']['iter'] == 4


def test_two_process_config_error_raises_before_torchrun(tiny_config, tmp_path, monkeypatch):
    """gpus=2 raised subprocess.CalledProcessError after each process printed the error."""
    import importlib

    from easycv_like.engine.config_schema import ConfigError
    train_module = importlib.import_module('easycv_like.apis.train')  # the name is the function

    def no_torchrun(*args, **kwargs):
        raise AssertionError('torchrun started for a config that does not validate')
    monkeypatch.setattr(train_module.subprocess, 'run', no_torchrun)
    with pytest.raises(ConfigError, match='data.imgs_per_gpu must be >= 1, got 0'):
        train(tiny_config, gpus=2, work_dir=str(tmp_path / 'w'),
              cfg_options={'data.imgs_per_gpu': 0})
