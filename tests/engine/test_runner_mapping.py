"""The engine mapping on its own: an easycv_like config in, the mmengine Runner's arguments out
(the Runner itself is replaced by a recorder, so nothing is trained or even built)."""
import importlib

import pytest
from mmengine.config import Config

engine = importlib.import_module('easycv_like.engine.build_runner')

MOCO = dict(type='MoCo', backbone=dict(type='ResNet', depth=18, stem='small', out_indices=(3,)),
            neck=dict(type='MLPNeck', in_channels=512, hid_channels=8, out_channels=8),
            head=dict(type='ContrastiveHead'), queue_len=8, feat_dim=8)
SOURCE = dict(type='ImageList', list_file='unused.txt')
VIEWS = dict(type='MultiViewDataset', data_source=SOURCE, num_views=[2],
             pipelines=[[dict(type='RandomResizedCrop', size=8)]])


def _runner_args(monkeypatch, tmp_path, **cfg):
    recorded = {}
    monkeypatch.setattr(engine, 'Runner', lambda **kwargs: recorded.update(kwargs) or recorded)
    base = dict(model=MOCO, data=dict(imgs_per_gpu=4, workers_per_gpu=0, drop_last=True,
                                      train=VIEWS),
                optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4),
                work_dir=str(tmp_path), seed=3)
    return engine.build_runner(Config(dict(base, **cfg)))


def test_config_in_runner_arguments_out(monkeypatch, tmp_path):
    args = _runner_args(
        monkeypatch, tmp_path, total_epochs=5,
        optimizer_config=dict(update_interval=2, grad_clip=dict(max_norm=1.0)),
        lr_config=dict(policy='step', step=[3], gamma=0.5),
        checkpoint_config=dict(interval=2, max_keep_ckpts=3),
        log_config=dict(interval=7, hooks=[dict(type='TextLoggerHook')]),
        custom_hooks=[dict(type='DINOTeacherTempHook')])
    assert args['train_cfg'] == dict(type='easycv_like.ResumableEpochBasedTrainLoop',
                                     max_epochs=5, val_interval=1)
    wrapper = args['optim_wrapper']
    assert wrapper['type'] == 'easycv_like.GuardedOptimWrapper'
    assert wrapper['accumulative_counts'] == 2
    assert wrapper['clip_grad'] == dict(max_norm=1.0, norm_type=2)
    assert wrapper['optimizer'] == dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4)
    scheduler, = args['param_scheduler']
    assert scheduler['type'] == 'easycv_like.WarmupPolicyLR'
    assert (scheduler['policy'], scheduler['step'], scheduler['gamma'],
            scheduler['run_length']) == ('step', [3], 0.5, 5)
    checkpoint = args['default_hooks']['checkpoint']
    assert (checkpoint['interval'], checkpoint['max_keep_ckpts'], checkpoint['by_epoch']) == (
        2, 3, True)
    assert args['default_hooks']['logger']['interval'] == 7
    # the config's own hooks come built (a ConfigError of theirs names custom_hooks[i])
    assert [h['type'] if isinstance(h, dict) else type(h).__name__
            for h in args['custom_hooks']] == [
        'easycv_like.PlainStateHook', 'easycv_like.RNGStateHook', 'easycv_like.PreemptionHook',
        'easycv_like.ClassCountCheckHook', 'easycv_like.EpochLengthCheckHook',
        'DINOTeacherTempHook', 'easycv_like.MomentumUpdateHook']  # the last for MoCo's pairs
    loader = args['train_dataloader']
    assert loader['batch_size'] == 4 and loader['drop_last'] and loader['num_workers'] == 0
    assert loader['sampler'] == dict(type='easycv_like.EpochIndexSampler', shuffle=True)
    assert loader['dataset']['seed'] == 3
    assert args['val_cfg'] is None and args['randomness'] == dict(seed=3, deterministic=False)
    assert args['model'].momentum_pairs()  # the built model itself is handed over


def test_iterations_and_a_listed_momentum_hook(monkeypatch, tmp_path):
    args = _runner_args(monkeypatch, tmp_path, total_iters=30,
                        custom_hooks=[dict(type='MomentumUpdateHook', priority='LOW')])
    assert args['train_cfg']['type'] == 'easycv_like.ResumableIterBasedTrainLoop'
    assert args['train_cfg']['max_iters'] == 30
    assert args['default_hooks']['checkpoint']['by_epoch'] is False
    momentum = [h for h in args['custom_hooks'] if 'MomentumUpdateHook' in
                (h['type'] if isinstance(h, dict) else type(h).__name__)]
    assert len(momentum) == 1 and momentum[0].priority == 'LOW'  # not doubled, its priority


def test_an_unknown_key_never_reaches_the_runner(monkeypatch, tmp_path):
    with pytest.raises(KeyError, match='totl_epochs'):
        _runner_args(monkeypatch, tmp_path, total_epochs=1, totl_epochs=2)
