"""--fp16 without CUDA: bfloat16 autocast only on CPUs with native bfloat16, else float32."""
import importlib
import logging

import pytest
import torch
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.optim import build_optim_wrapper

import easycv_like  # noqa: F401
from easycv_like.engine import cpu_precision
from easycv_like.engine.build_runner import _optim_wrapper, _uses_autocast

build_runner_module = importlib.import_module('easycv_like.engine.build_runner')

FP16_CFG = dict(optimizer=dict(type='SGD', lr=0.1), fp16=dict(loss_scale='dynamic'))


@pytest.mark.parametrize('caps, fast', [
    ({'cpu_name': 'Zen 4', 'avx512_bf16': True, 'avx2': True}, True),
    ({'cpu_name': 'Sapphire Rapids', 'avx512_bf16': False, 'amx_bf16': True}, True),
    ({'cpu_name': 'Graviton 3', 'bf16': True}, True),
    ({'cpu_name': 'Skylake', 'avx512_f': True, 'avx512_bw': True, 'avx512_bf16': False}, False),
    ({}, False),
])
def test_fast_bf16_detection(monkeypatch, caps, fast):
    monkeypatch.setattr(cpu_precision, 'cpu_capabilities', lambda: caps)
    assert cpu_precision.cpu_has_fast_bf16() is fast


def test_slow_bf16_cpu_trains_in_float32_and_says_why(monkeypatch, capsys):
    if torch.cuda.is_available():
        pytest.skip('the CPU fallback only applies without CUDA')
    monkeypatch.setattr(cpu_precision, 'cpu_capabilities',
                        lambda: {'cpu_name': 'Old Xeon', 'avx512_f': True})
    MMLogger.get_instance('test_cpu_precision', log_level=logging.WARNING)
    cfg = Config(FP16_CFG)
    wrapper_cfg = _optim_wrapper(cfg)
    assert wrapper_cfg['type'] == 'easycv_like.GuardedOptimWrapper'
    assert 'dtype' not in wrapper_cfg and not _uses_autocast(cfg)
    model = torch.nn.Linear(4, 3)
    wrapper = build_optim_wrapper(model, wrapper_cfg)
    with wrapper.optim_context(model):
        assert model(torch.randn(2, 4)).dtype == torch.float32
    message = capsys.readouterr().out
    assert 'Old Xeon has none of the native bfloat16 instructions' in message
    assert 'training in float32 instead' in message


def test_fast_bf16_cpu_keeps_bfloat16_autocast(monkeypatch):
    if torch.cuda.is_available():
        pytest.skip('the CPU fallback only applies without CUDA')
    monkeypatch.setattr(build_runner_module, 'cpu_has_fast_bf16', lambda: True)
    cfg = Config(FP16_CFG)
    assert _optim_wrapper(cfg)['type'] == 'easycv_like.GuardedCpuAutocastOptimWrapper'
    assert _uses_autocast(cfg)


def test_no_fp16_means_no_autocast():
    assert not _uses_autocast(Config(dict(optimizer=dict(type='SGD', lr=0.1))))
