"""Exact resume after SIGTERM / a crash mid-epoch and mid-schedule, checkpoint fallback, and the
non-finite loss policy."""
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

from easycv_like import train
from easycv_like.engine.optimizers import NonFiniteLossError
from easycv_like.utils.checkpoint import CheckpointLoadError, load_checkpoint_file

from ..conftest import REPO, write_tiny_config

PLUGIN = '''
import os, signal
import torch
from mmengine.hooks import Hook
from easycv_like.data.datasets import ClsDataset
from easycv_like.registry import DATASETS, HOOKS

SEEN = []


@DATASETS.register_module(force=True)
class TracedClsDataset(ClsDataset):
    def __getitem__(self, idx):
        SEEN.append((self.epoch, idx))
        return super().__getitem__(idx)


@HOOKS.register_module(force=True)
class InterruptHook(Hook):
    def __init__(self, at_iter, how):
        self.at_iter, self.how = at_iter, how

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if runner.iter + 1 == self.at_iter:
            if self.how == 'sigterm':
                os.kill(os.getpid(), signal.SIGTERM)
            else:
                raise RuntimeError('simulated crash')


@HOOKS.register_module(force=True)
class NaNLossHook(Hook):
    """Makes the model's loss NaN at one iteration."""
    def __init__(self, at_iter):
        self.at_iter = at_iter

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        head = runner.model.head
        if not hasattr(head, '_orig_loss'):
            head._orig_loss = head.loss
        bad = runner.iter == self.at_iter
        def loss(logits, labels):
            out = head._orig_loss(logits, labels)
            if bad:
                out['loss'] = out['loss'] * float('nan')
            return out
        head.loss = loss
'''


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    (tmp_path / 'ft_plugin.py').write_text(PLUGIN)
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop('ft_plugin', None)
    yield
    sys.modules.pop('ft_plugin', None)


def _config(folder, data_root, extra=''):
    os.makedirs(folder, exist_ok=True)
    return write_tiny_config(folder, data_root, extra=(
        "custom_imports = dict(imports=['ft_plugin'])\n"
        "data['train']['type'] = 'TracedClsDataset'\n" + extra))


def _assert_same_final_state(a_path, b_path):
    a, b = load_checkpoint_file(a_path), load_checkpoint_file(b_path)
    assert a['meta']['iter'] == b['meta']['iter']
    for key, value in a['state_dict'].items():
        assert torch.equal(value, b['state_dict'][key]), key
    for sa, sb in zip(a['optimizer']['state'].values(), b['optimizer']['state'].values()):
        assert torch.equal(sa['momentum_buffer'], sb['momentum_buffer'])


def test_sigterm_mid_epoch_then_resume_is_exact(tmp_path, tiny_digits, plugin):
    import ft_plugin
    plain = _config(str(tmp_path / 'cfg_plain'), tiny_digits)
    full = train(plain, work_dir=str(tmp_path / 'A'))
    uninterrupted = list(ft_plugin.SEEN)

    killed = _config(str(tmp_path / 'cfg_kill'), tiny_digits, extra=(
        "custom_hooks = [dict(type='InterruptHook', at_iter=5, how='sigterm')]"))
    env = dict(os.environ, PYTHONPATH=f"{tmp_path}{os.pathsep}{REPO}")
    proc = subprocess.run([sys.executable, osp.join(REPO, 'tools/train.py'), killed,
                           '--work_dir', str(tmp_path / 'B')], env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 143, proc.stderr[-2000:]
    assert 'Received SIGTERM' in proc.stdout + proc.stderr
    assert load_checkpoint_file(tmp_path / 'B' / 'iter_5.pth')['meta']['iter'] == 5
    assert open(tmp_path / 'B' / 'last_checkpoint').read().endswith('iter_5.pth')

    ft_plugin.SEEN.clear()
    resumed = train(plain, work_dir=str(tmp_path / 'B'), resume='auto')
    # 8 iterations of 16 per epoch: the resumed run reads only epoch 0's last 3 batches + epoch 1
    first_batches = uninterrupted[:5 * 16]
    assert ft_plugin.SEEN == uninterrupted[len(first_batches):]
    _assert_same_final_state(osp.join(full['work_dir'], 'epoch_2.pth'),
                             osp.join(resumed['work_dir'], 'epoch_2.pth'))


def test_iteration_based_crash_then_resume_is_exact(tmp_path, tiny_digits, plugin):
    import ft_plugin
    schedule = ("total_epochs = None\ntotal_iters = 12\n"
                "checkpoint_config = dict(interval=4, by_epoch=False)\n")
    plain = _config(str(tmp_path / 'p'), tiny_digits, extra=schedule)
    full = train(plain, work_dir=str(tmp_path / 'A'))
    uninterrupted = list(ft_plugin.SEEN)
    ft_plugin.SEEN.clear()
    crash = _config(str(tmp_path / 'c'), tiny_digits, extra=schedule + (
        "custom_hooks = [dict(type='InterruptHook', at_iter=6, how='exception')]"))
    with pytest.raises(RuntimeError, match='simulated crash'):
        train(crash, work_dir=str(tmp_path / 'B'))
    ft_plugin.SEEN.clear()
    resumed = train(plain, work_dir=str(tmp_path / 'B'), resume='auto')
    assert ft_plugin.SEEN == uninterrupted[4 * 16:]  # from iter_4.pth, nothing replayed
    _assert_same_final_state(osp.join(full['work_dir'], 'iter_12.pth'),
                             osp.join(resumed['work_dir'], 'iter_12.pth'))


def test_resume_falls_back_past_corrupt_checkpoints(tmp_path, tiny_config, caplog):
    work = tmp_path / 'W'
    train(tiny_config, work_dir=str(work), cfg_options={'total_epochs': 1})
    good = work / 'epoch_1.pth'
    (work / 'epoch_2.pth').write_bytes(good.read_bytes()[:1000])  # truncated newer checkpoint
    (work / 'last_checkpoint').write_text(str(work / 'epoch_2.pth'))
    from easycv_like.engine.resume import newest_loadable
    path, checkpoint = newest_loadable(str(work))
    assert path in (str(good), str(work / 'latest.pth'))
    assert checkpoint['meta']['epoch'] == 1
    for name in ('epoch_1.pth', 'latest.pth'):
        (work / name).write_bytes(b'\0' * 100)
    with pytest.raises(CheckpointLoadError, match='epoch_2.pth'):
        newest_loadable(str(work))


def test_nan_loss_stops_before_the_update(tmp_path, tiny_digits, plugin):
    cfg = _config(str(tmp_path), tiny_digits, extra=(
        "custom_hooks = [dict(type='NaNLossHook', at_iter=10)]"))
    with pytest.raises(NonFiniteLossError, match=r'iteration 10 \(non-finite terms: loss=nan\)'):
        train(cfg, work_dir=str(tmp_path / 'W'))
    last = load_checkpoint_file(tmp_path / 'W' / 'epoch_1.pth')
    assert all(torch.isfinite(v).all() for v in last['state_dict'].values()
               if v.is_floating_point())


def test_nan_loss_skip_leaves_weights_unchanged(tmp_path, tiny_digits, plugin):
    cfg = _config(str(tmp_path), tiny_digits, extra=(
        "custom_hooks = [dict(type='NaNLossHook', at_iter=3)]\n"
        "optimizer_config = dict(nonfinite='skip', max_nonfinite=2)\n"
        "checkpoint_config = dict(interval=1, by_epoch=False, max_keep_ckpts=-1)"))
    train(cfg, work_dir=str(tmp_path / 'W'), cfg_options={'total_epochs': 1})
    before = load_checkpoint_file(tmp_path / 'W' / 'iter_3.pth')['state_dict']
    after = load_checkpoint_file(tmp_path / 'W' / 'iter_4.pth')['state_dict']
    weights = [k for k, v in before.items() if 'weight' in k and 'bn' not in k]
    assert all(torch.equal(before[k], after[k]) for k in weights)


def test_moco_crash_then_resume_is_exact(tmp_path, tiny_digits, plugin):
    """The queue, its pointer and the key encoder continue exactly where they stopped."""
    def config(name, extra=''):
        path = tmp_path / f'{name}.py'
        path.write_text(f'''
_base_ = {osp.join(REPO, 'configs/ssl/demo/mocov2_digits.py')!r}
custom_imports = dict(imports=['ft_plugin'])
_view = [dict(type='RandomResizedCrop', size=8, scale=(0.6, 1.0)),
         dict(type='RandomAppliedTrans', prob=0.8, transforms=[
             dict(type='ColorJitter', brightness=0.4, contrast=0.4)])]
data = dict(imgs_per_gpu=16, workers_per_gpu=0,
            train=dict(data_source=dict(list_file={tiny_digits + '/train_small.txt'!r}),
                       pipelines=[_view]))
eval_pipelines = []
eval_config = dict(initial=False)
model = dict(queue_len=48, neck=dict(hid_channels=32, out_channels=16), feat_dim=16)
total_epochs = None
total_iters = 10
checkpoint_config = dict(interval=4, by_epoch=False, max_keep_ckpts=-1)
log_config = dict(interval=1, hooks=[dict(type='TextLoggerHook')])
{extra}
''')
        return str(path)

    full = train(config('plain'), work_dir=str(tmp_path / 'A'))
    with pytest.raises(RuntimeError, match='simulated crash'):
        train(config('crash', "custom_hooks = [dict(type='MomentumUpdateHook'), "
                              "dict(type='InterruptHook', at_iter=6, how='exception')]"),
              work_dir=str(tmp_path / 'B'))
    resumed = train(config('plain'), work_dir=str(tmp_path / 'B'), resume='auto')
    final_a = osp.join(full['work_dir'], 'iter_10.pth')
    _assert_same_final_state(final_a, osp.join(resumed['work_dir'], 'iter_10.pth'))
    state = load_checkpoint_file(final_a)['state_dict']
    assert int(state['queue.ptr']) == (10 * 16) % 48
    assert not torch.equal(state['backbone.conv1.weight'], state['momentum_backbone.conv1.weight'])
