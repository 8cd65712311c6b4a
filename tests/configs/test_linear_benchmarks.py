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


def _frozen_features(data_root, split, backbone, preprocessor):
    """Pooled features of a digits split through a frozen backbone (no augmentation)."""
    from mmengine.dataset import default_collate

    from easycv_like.registry import DATASETS
    dataset = DATASETS.build(dict(
        type='ClsDataset', pipeline=[dict(type='LoadImage'), dict(type='PackInputs')],
        data_source=dict(type='ImageList', list_file=f'{data_root}/{split}.txt',
                         classes=f'{data_root}/classes.txt')))
    batch = preprocessor(default_collate([dataset[i] for i in range(len(dataset))]), False)
    with torch.no_grad():
        feats = backbone(batch['inputs'])[-1].mean(dim=(2, 3))
    return feats, torch.as_tensor(batch['data_samples']['gt_label'])


def _train_probe(cfg, feats, labels, seed=0):
    """The config's neck + head trained on fixed features with its optimizer and schedule."""
    from mmengine.optim import build_optim_wrapper

    from easycv_like.engine.build_runner import _optim_wrapper
    from easycv_like.engine.lr_config import lr_config_to_schedulers
    from easycv_like.registry import PARAM_SCHEDULERS
    torch.manual_seed(seed)
    model = MODELS.build(cfg.model)
    probe = torch.nn.ModuleDict(dict(neck=model.neck or torch.nn.Identity(), head=model.head))
    wrapper = build_optim_wrapper(probe, _optim_wrapper(cfg))
    batch, count = cfg.data.imgs_per_gpu, len(feats)
    epoch_length = -(-count // batch)
    schedulers = [PARAM_SCHEDULERS.build(s, default_args=dict(optimizer=wrapper,
                                                              epoch_length=epoch_length))
                  for s in lr_config_to_schedulers(cfg.lr_config, True, cfg.total_epochs)]
    probe.train()
    for _ in range(cfg.total_epochs):
        order = torch.randperm(count)
        for start in range(0, count, batch):
            idx = order[start:start + batch]
            logits = probe.head(probe.neck((feats[idx, :, None, None],)))
            wrapper.update_params(probe.head.loss(logits, labels[idx])['loss'])
            for scheduler in schedulers:
                scheduler.step()
    probe.eval()
    return probe


@pytest.fixture(scope='module')
def digits_features(tiny_digits):
    """Train / val features of the whole 16x16 digits set through a random-init backbone."""
    cfg = load_config(osp.join(BENCHMARKS, 'linear_r18_digits.py'))
    torch.manual_seed(0)
    model = MODELS.build(cfg.model).eval()  # fixed, cheap features
    return [_frozen_features(tiny_digits, split, model.backbone, model.data_preprocessor)
            for split in ('train', 'val')]


@pytest.mark.parametrize('scale', [1.0, 100.0])
def test_linear_probe_recipe_matches_logistic_regression(digits_features, scale):
    """Frozen features of any scale: the config's probe is within a point of sklearn's
    logistic regression (standardised features) on the same train / val features."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    (train_x, train_y), (val_x, val_y) = digits_features
    train_x, val_x = train_x * scale, val_x * scale
    reference = make_pipeline(StandardScaler(), LogisticRegression(max_iter=3000))
    reference.fit(train_x.numpy(), train_y.numpy())
    expected = 100 * reference.score(val_x.numpy(), val_y.numpy())
    probe = _train_probe(load_config(osp.join(BENCHMARKS, 'linear_r18_digits.py')),
                         train_x, train_y)
    with torch.no_grad():
        logits = probe.head(probe.neck((val_x[:, :, None, None],)))
    top1 = 100 * (logits.argmax(1) == val_y).float().mean().item()
    assert top1 >= expected - 1.0, (top1, expected)
