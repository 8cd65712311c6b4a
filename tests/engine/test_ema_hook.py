"""The ema key: evaluated and saved weights are the EMA of the trained ones; resume restores it."""
import math
import os.path as osp
from types import SimpleNamespace

import pytest
import torch
from mmengine.hooks import Hook

from easycv_like import evaluate, train
from easycv_like.engine.ema_config import ema_hook_cfg
from easycv_like.models.exp_momentum_ema import exp_ramp_momentum
from easycv_like.registry import HOOKS
from easycv_like.utils.checkpoint import load_checkpoint_file

from ..conftest import write_tiny_config

EMA = "ema = dict(momentum=0.05, gamma=3)\n"
RECORDS = {}


@HOOKS.register_module(force=True)
class RecordWeightsHook(Hook):
    """Keeps the trained weights after every iteration and the weights validation ran with."""

    priority = 'LOWEST'

    def before_run(self, runner):
        RECORDS.clear()
        RECORDS.update(train=[], val=[])

    def before_train(self, runner):
        RECORDS['start'] = {k: v.detach().clone() for k, v in runner.model.state_dict().items()}

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        RECORDS['train'].append({k: v.detach().clone() for k, v in
                                 runner.model.state_dict().items()})

    def before_val_iter(self, runner, batch_idx, data_batch=None):
        if batch_idx == 0:
            RECORDS['val'].append({k: v.detach().clone() for k, v in
                                   runner.model.state_dict().items()})


@HOOKS.register_module(force=True)
class CrashBeforeSecondEpochHook(Hook):
    def before_train_epoch(self, runner):
        if runner.epoch == 1:
            raise RuntimeError('simulated crash')


def hand_ema(states, momentum, gamma):
    """mmengine's first update copies; the k-th later one uses the YOLOX-ramped momentum."""
    ema = {k: v.clone() for k, v in states[0].items()}
    for step, state in enumerate(states[1:], start=1):
        m = 1 - (1 - momentum) * (1 - math.exp(-(step + 1) / gamma))
        for k, v in state.items():
            if v.dtype.is_floating_point:
                ema[k] = (1 - m) * ema[k] + m * v
    return ema


def test_ramp_momentum_starts_at_one_and_decays_to_momentum():
    assert exp_ramp_momentum(0.0002, 2000, 0) == pytest.approx(1.0)
    assert exp_ramp_momentum(0.0002, 2000, 2000) == pytest.approx(
        1 - 0.9998 * (1 - math.exp(-1)))
    assert exp_ramp_momentum(0.0002, 2000, 10 ** 7) == pytest.approx(0.0002)


def test_ema_key_errors_name_the_problem():
    assert ema_hook_cfg(None) is None
    with pytest.raises(KeyError, match="'momentun'.*momentum"):
        ema_hook_cfg(dict(momentun=0.1))
    with pytest.raises(KeyError, match='gamma applies only'):
        ema_hook_cfg(dict(type='ExponentialMovingAverage', gamma=5))
    with pytest.raises(KeyError, match='SWA'):
        ema_hook_cfg(dict(type='SWA'))
    hook = ema_hook_cfg(dict())
    assert hook['ema_type'] == 'easycv_like.ExpMomentumEMA' and hook['update_buffers'] is True


def _float_close(a, b):
    for key, value in a.items():
        if value.dtype.is_floating_point:
            assert torch.allclose(value, b[key], atol=1e-6), key


def test_evaluated_and_saved_weights_are_the_ema(tmp_path, tiny_digits):
    cfg = write_tiny_config(str(tmp_path), tiny_digits, extra=(
        EMA + "custom_hooks = [dict(type='RecordWeightsHook')]\ntotal_epochs = 1\n"))
    result = train(cfg, work_dir=str(tmp_path / 'work'))
    trained = RECORDS['train']
    assert len(trained) == 8
    expected = hand_ema(trained, 0.05, 3)
    assert not torch.allclose(expected['backbone.conv1.weight'],
                              trained[-1]['backbone.conv1.weight'])
    _float_close(expected, RECORDS['val'][0])
    ckpt = load_checkpoint_file(osp.join(result['work_dir'], 'epoch_1.pth'))
    _float_close(expected, ckpt['state_dict'])
    raw = {k[len('module.'):]: v for k, v in ckpt['ema_state_dict'].items()
           if k.startswith('module.')}
    _float_close(trained[-1], raw)
    # evaluating the saved checkpoint (with or without the ema key) repeats the EMA evaluation
    assert evaluate(cfg, osp.join(result['work_dir'], 'epoch_1.pth'),
                    work_dir=str(tmp_path / 'eval')) == result['metrics']


def test_evaluation_before_training_sees_the_initialised_weights(tmp_path, tiny_digits):
    """The average is made before the Runner initialises the weights (here the classifier's
    init_cfg sets them to 0.5); the initial evaluation must still see the initialised model."""
    cfg = write_tiny_config(str(tmp_path), tiny_digits, extra=(
        EMA + "custom_hooks = [dict(type='RecordWeightsHook')]\ntotal_epochs = 1\n"
        "eval_config = dict(initial=True)\n"
        "model = dict(head=dict(init_cfg=dict(type='Constant', val=0.5, layer='Linear')))\n"))
    train(cfg, work_dir=str(tmp_path / 'work'))
    start, first_val = RECORDS['start'], RECORDS['val'][0]
    assert (start['head.fc.weight'] == 0.5).all()
    for key, value in start.items():
        assert torch.equal(value, first_val[key]), key
    _float_close(hand_ema(RECORDS['train'], 0.05, 3), RECORDS['val'][1])


def test_resumed_run_restores_the_ema(tmp_path, tiny_digits):
    full = write_tiny_config(str(tmp_path), tiny_digits, extra=EMA)
    a = train(full, work_dir=str(tmp_path / 'A'))
    b_dir = tmp_path / 'B'
    crash = tmp_path / 'crash'
    crash.mkdir()
    with pytest.raises(RuntimeError, match='simulated crash'):
        train(write_tiny_config(str(crash), tiny_digits, extra=(
            EMA + "custom_hooks = [dict(type='CrashBeforeSecondEpochHook')]\n")),
            work_dir=str(b_dir))
    b = train(full, work_dir=str(b_dir), resume='auto')
    ca = load_checkpoint_file(osp.join(a['work_dir'], 'epoch_2.pth'))
    cb = load_checkpoint_file(osp.join(b['work_dir'], 'epoch_2.pth'))
    for key in ('state_dict', 'ema_state_dict'):
        for name, value in ca[key].items():
            assert torch.equal(value, cb[key][name]), (key, name)
    assert a['metrics'] == b['metrics']


class _Wrapper:
    def __init__(self, steps):
        self.steps = steps

    def should_update(self):
        return self.steps


def _runner(model, stepped):
    return SimpleNamespace(model=model, optim_wrapper=_Wrapper(stepped), iter=0, epoch=0)


def test_constant_momentum_type_and_accumulation_iterations_are_not_updates():
    hook = HOOKS.build(ema_hook_cfg(dict(type='ExponentialMovingAverage', momentum=0.25,
                                         update_buffers=False)))
    model = torch.nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        model.weight.fill_(4.0)
    hook.before_run(_runner(model, True))
    hook.after_train_iter(_runner(model, True), 0)  # first update: a copy
    with torch.no_grad():
        model.weight.fill_(8.0)
    hook.after_train_iter(_runner(model, False), 1)  # accumulation only: unchanged
    assert hook.ema_model.module.weight.item() == 4.0 and int(hook.ema_model.steps) == 1
    hook.after_train_iter(_runner(model, True), 2)
    assert hook.ema_model.module.weight.item() == pytest.approx(0.75 * 4 + 0.25 * 8)


def test_load_from_a_file_without_state_dict_leaves_the_average_to_before_train():
    """``--load_from yolox_s.pth`` (Megvii: weights under ``model``) stopped with mmengine's
    ``KeyError: 'state_dict'``; the average must start from the model as loaded."""
    hook = HOOKS.build(ema_hook_cfg(dict(momentum=0.25)))
    model = torch.nn.Linear(1, 1, bias=False)
    runner = SimpleNamespace(_resume=False, max_iters=10, **vars(_runner(model, True)))
    hook.before_run(runner)
    with torch.no_grad():
        model.weight.fill_(3.0)  # what WeightLoadHook loaded from the file
    hook.after_load_checkpoint(runner, {'model': {'weight': torch.full((1, 1), 3.0)}})
    hook.before_train(runner)
    assert hook.ema_model.module.weight.item() == 3.0
