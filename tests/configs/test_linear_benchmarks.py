"""Linear-probe configs: the backbone comes from a self-supervised checkpoint and stays frozen."""
import os.path as osp

import pytest
import torch
from mmengine.hooks import Hook

from easycv_like.apis.config import load_config
from easycv_like.engine.build_runner import apply_overrides, build_runner
from easycv_like.registry import MODELS

from ..conftest import REPO

BENCHMARKS = osp.join(REPO, 'configs', 'benchmarks')


class _StopAfterStart(Exception):
    pass


class _RecordStart(Hook):
    """Copies the model's weights when training starts (after init_weights and load_from)."""

    def __init__(self, stop=False):
        self.state, self.stop = None, stop

    def before_train(self, runner):
        self.state = {k: v.clone() for k, v in runner.model.state_dict().items()}
        if self.stop:
            raise _StopAfterStart


def _fake_ssl_checkpoint(path):
    """A checkpoint as a MoCo-like run writes it: ``backbone.*`` (online encoder) + other keys."""
    torch.manual_seed(1)
    model = MODELS.build(load_config(osp.join(BENCHMARKS, 'linear_r18_digits.py')).model)
    state = {f'backbone.{k}': v * (1 + 0.05 * torch.randn_like(v)) if v.is_floating_point() else v
             for k, v in model.backbone.state_dict().items()}
    state['momentum_backbone.conv1.weight'] = torch.zeros_like(state['backbone.conv1.weight'])
    torch.save({'state_dict': state, 'meta': {}}, path)
    return state


def _tiny_linear_config(folder, data_root, ssl_ckpt, extra=''):
    path = osp.join(folder, 'tiny_linear.py')
    text = f'''
_base_ = {osp.join(BENCHMARKS, 'linear_r18_digits.py')!r}
_root = {data_root!r}
_pipe = [dict(type='LoadImage'), dict(type='PackInputs')]
def _set(split):
    return dict(type='ClsDataset', pipeline=_pipe, data_source=dict(
        type='ImageList', list_file=f'{{_root}}/{{split}}_small.txt',
        classes=f'{{_root}}/classes.txt'))
data = dict(imgs_per_gpu=16, workers_per_gpu=0, train=_set('train'), val=_set('val'))
eval_pipelines = [dict(name='val', data=_set('val'),
                       evaluators=[dict(type='ClsEvaluator', topk=(1,))])]
model = dict(backbone=dict(init_cfg=dict(checkpoint={str(ssl_ckpt)!r})))
total_epochs = 1
log_config = dict(interval=1, hooks=[dict(type='TextLoggerHook')])
{extra}
'''
    with open(path, 'w') as f:
        f.write(text)
    return path


def _runner(config_path, work_dir, hook):
    runner = build_runner(apply_overrides(load_config(config_path), work_dir))
    runner.register_hook(hook, priority='LOWEST')
    return runner


@pytest.mark.parametrize('name', ['linear_mocov2_r50_in1k.py', 'linear_r18_digits.py'])
def test_only_the_linear_head_trains(name):
    cfg = load_config(osp.join(BENCHMARKS, name))
    assert cfg.model.backbone.init_cfg == dict(type='Pretrained', prefix='backbone.',
                                               checkpoint=cfg.model.backbone.init_cfg.checkpoint)
    model = MODELS.build(cfg.model)
    trainable = [k for k, p in model.named_parameters() if p.requires_grad]
    assert trainable == ['head.fc.weight', 'head.fc.bias']
    assert not any(isinstance(m, torch.nn.BatchNorm1d) for m in model.head.modules())


def test_linear_probe_loads_backbone_prefix_and_keeps_it_frozen(tmp_path, tiny_digits):
    state = _fake_ssl_checkpoint(tmp_path / 'ssl.pth')
    config = _tiny_linear_config(str(tmp_path), tiny_digits, tmp_path / 'ssl.pth')
    hook = _RecordStart()
    runner = _runner(config, str(tmp_path / 'work'), hook)
    runner.train()
    start, end = hook.state, runner.model.state_dict()
    for key, value in state.items():
        if key.startswith('backbone.'):
            assert torch.equal(start[key], value), f'{key} not loaded at start'
            assert torch.equal(end[key], value), f'{key} changed while frozen'
    assert not torch.equal(start['head.fc.weight'], end['head.fc.weight'])


def test_load_from_full_model_wins_over_init_cfg(tmp_path, tiny_digits):
    _fake_ssl_checkpoint(tmp_path / 'ssl.pth')
    torch.manual_seed(2)
    full = MODELS.build(load_config(osp.join(BENCHMARKS, 'linear_r18_digits.py')).model)
    full_state = {k: v + 1 if v.is_floating_point() else v
                  for k, v in full.state_dict().items()}
    torch.save({'state_dict': full_state, 'meta': {}}, tmp_path / 'full.pth')
    config = _tiny_linear_config(str(tmp_path), tiny_digits, tmp_path / 'ssl.pth',
                                 extra=f'load_from = {str(tmp_path / "full.pth")!r}')
    hook = _RecordStart(stop=True)
    with pytest.raises(_StopAfterStart):
        _runner(config, str(tmp_path / 'work'), hook).train()
    for key, value in full_state.items():
        assert torch.equal(hook.state[key], value), key
