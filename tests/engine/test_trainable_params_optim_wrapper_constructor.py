"""Frozen parameters are left out of the optimizer with one INFO line, not a WARNING each."""
import logging

from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from torch import nn

from easycv_like.engine.build_runner import _optim_wrapper
from easycv_like.registry import SCOPE


class _TwoTowers(nn.Module):
    def __init__(self):
        super().__init__()
        self.online = nn.Sequential(nn.Linear(4, 4), nn.LayerNorm(4))
        self.momentum = nn.Sequential(nn.Linear(4, 4), nn.LayerNorm(4))
        self.momentum.requires_grad_(False)  # 4 frozen tensors


def _build(model, **optimizer):
    cfg = Config(dict(optimizer=dict(type='AdamW', lr=0.1, weight_decay=0.05, **optimizer)))
    with DefaultScope.overwrite_default_scope(SCOPE):  # as inside the Runner
        return build_optim_wrapper(model, _optim_wrapper(cfg))


def _records():
    records = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = records.append
    return records, handler


def test_paramwise_options_log_frozen_parameters_once():
    model = _TwoTowers()
    records, handler = _records()
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        wrapper = _build(model, paramwise_options=dict(norm_decay_mult=0.0))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    messages = [(r.levelno, r.getMessage()) for r in records]
    assert not [m for m in messages if 'requires_grad=False' in m[1] and m[0] >= logging.WARNING]
    assert (logging.INFO, 'Optimizer: 4 parameter tensors with requires_grad=False (momentum '
            'encoders, frozen layers) are left out.') in messages
    optimised = {id(p) for g in wrapper.optimizer.param_groups for p in g['params']}
    assert optimised == {id(p) for p in model.online.parameters()}
    # paramwise options applied: no decay on the LayerNorm
    assert {g['weight_decay'] for g in wrapper.optimizer.param_groups} == {0.0, 0.05}
    assert len(logger.filters) == 0  # the counting filter is removed again


def test_constructor_is_chosen_only_with_paramwise_options():
    wrapper = _optim_wrapper(Config(dict(optimizer=dict(
        type='SGD', lr=1, paramwise_options=dict(norm_decay_mult=0.0)))))
    assert wrapper['constructor'] == f'{SCOPE}.TrainableParamsOptimWrapperConstructor'
    assert 'constructor' not in _optim_wrapper(Config(dict(optimizer=dict(type='SGD', lr=1))))
