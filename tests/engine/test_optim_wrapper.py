"""optimizer / optimizer_config / fp16 -> mmengine optim wrappers."""
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper

import easycv_like  # noqa: F401
from easycv_like.engine.build_runner import _optim_wrapper


def _model():
    torch.manual_seed(0)
    return torch.nn.Linear(4, 3)


def test_gradient_accumulation_equals_big_batch():
    x, y = torch.randn(8, 4), torch.randint(0, 3, (8,))
    loss_fn = torch.nn.functional.cross_entropy

    big = _model()
    big_wrapper = build_optim_wrapper(big, _optim_wrapper(Config(dict(
        optimizer=dict(type='SGD', lr=0.5)))))
    big_wrapper.update_params(loss_fn(big(x), y))

    small = _model()
    small_wrapper = build_optim_wrapper(small, _optim_wrapper(Config(dict(
        optimizer=dict(type='SGD', lr=0.5), optimizer_config=dict(update_interval=2)))))
    before = small.weight.detach().clone()
    small_wrapper.update_params(loss_fn(small(x[:4]), y[:4]))
    assert torch.equal(small.weight, before)  # no step after the first half
    small_wrapper.update_params(loss_fn(small(x[4:]), y[4:]))
    assert torch.allclose(small.weight, big.weight, atol=1e-6)
    assert torch.allclose(small.bias, big.bias, atol=1e-6)


def test_grad_clip_and_paramwise_options():
    cfg = Config(dict(optimizer=dict(type='SGD', lr=0.1, weight_decay=0.1,
                                     paramwise_options=dict(bias_decay_mult=0.0)),
                      optimizer_config=dict(grad_clip=dict(max_norm=1.0))))
    model = _model()
    wrapper = build_optim_wrapper(model, _optim_wrapper(cfg))
    decay = {id(p): g['weight_decay'] for g in wrapper.param_groups for p in g['params']}
    assert decay[id(model.weight)] == 0.1 and decay[id(model.bias)] == 0.0
    assert wrapper.clip_grad_kwargs['max_norm'] == 1.0


def test_fp16_without_cuda_uses_bfloat16_autocast(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)  # runs on CUDA machines too
    monkeypatch.setattr(sys.modules['easycv_like.engine.build_runner'], 'cpu_has_fast_bf16',
                        lambda: True)  # the fast path, whatever this CPU is
    model = _model()
    wrapper = build_optim_wrapper(model, _optim_wrapper(Config(dict(
        optimizer=dict(type='SGD', lr=0.1), fp16=dict(loss_scale='dynamic')))))
    from easycv_like.engine.optimizers import CpuAutocastOptimWrapper
    assert isinstance(wrapper, CpuAutocastOptimWrapper)
    with wrapper.optim_context(model):
        out = model(torch.randn(2, 4))
    assert out.dtype == torch.bfloat16


def test_fp16_with_cuda_maps_to_the_amp_wrapper(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)  # the mapping only, no GPU
    wrapper = _optim_wrapper(Config(dict(optimizer=dict(type='SGD', lr=0.1),
                                         fp16=dict(loss_scale=512.0, dtype='bfloat16'))))
    assert wrapper['type'] == 'easycv_like.GuardedAmpOptimWrapper'
    assert wrapper['loss_scale'] == 512.0 and wrapper['dtype'] == 'bfloat16'


def test_paramwise_cfg_keeps_decay_off_norms_and_biases():
    """YOLOX's rule (``paramwise_cfg``, mmengine's name): weight decay on conv / linear weights
    only; BN weights and biases and every bias in the no-decay groups."""
    from easycv_like.engine.build_runner import check_schema
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4),
                                torch.nn.Flatten(), torch.nn.Linear(4, 2))
    optimizer = dict(type='SGD', lr=0.01, momentum=0.9, nesterov=True, weight_decay=5e-4,
                     paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.))
    cfg = check_schema(Config(dict(
        model=dict(type='Classification'), total_epochs=1, optimizer=optimizer,
        data=dict(train=dict(type='ClsDataset', pipeline=[],
                             data_source=dict(type='ImageList', list_file='x'))))))
    wrapper = build_optim_wrapper(model, _optim_wrapper(cfg))
    decay = {id(p): g['weight_decay'] for g in wrapper.param_groups for p in g['params']}
    by_name = {name: decay[id(p)] for name, p in model.named_parameters()}
    assert by_name == {'0.weight': 5e-4, '0.bias': 0.0, '1.weight': 0.0, '1.bias': 0.0,
                       '3.weight': 5e-4, '3.bias': 0.0}
    assert all(g['nesterov'] and g['lr'] == 0.01 for g in wrapper.param_groups)
    both = dict(optimizer, paramwise_options=dict(norm_decay_mult=0.))
    with pytest.raises(KeyError, match='only one of optimizer.paramwise_options'):
        check_schema(Config(dict(cfg.to_dict(), optimizer=both)))
