"""``load_from`` and resume go through ``load_weights``: report, prefix, exclude, min_match,
strict."""
from types import SimpleNamespace

import pytest
import torch
from torch import nn

from easycv_like.apis.config import load_config
from easycv_like.engine.build_runner import apply_overrides, build_runner
from easycv_like.engine.hooks.weight_load_hook import WeightLoadHook, weight_load_hooks
from easycv_like.registry import MODELS
from easycv_like.utils.weight_loading import WeightLoadError

from ..conftest import write_tiny_config


def _net(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 3), nn.Linear(3, 2))


def test_hook_loads_with_prefix_and_hands_the_runner_the_model_state():
    model, source = _net(0), _net(1).state_dict()
    checkpoint = {'state_dict': {f'backbone.{k}': v for k, v in source.items()}, 'meta': {}}
    WeightLoadHook('ssl.pth', prefix='backbone.').after_load_checkpoint(
        SimpleNamespace(model=model), checkpoint)
    for key, value in source.items():
        assert torch.equal(model.state_dict()[key], value)
        assert torch.equal(checkpoint['state_dict'][key], value)  # what mmengine loads next
    assert checkpoint['meta'] == {}


def test_hook_fails_on_a_file_that_does_not_fit():
    checkpoint = {'state_dict': {'head.w': torch.zeros(2)}}
    with pytest.raises(WeightLoadError, match='other.pth'):
        WeightLoadHook('other.pth').after_load_checkpoint(SimpleNamespace(model=_net(0)),
                                                          checkpoint)


def test_hook_configs():
    assert weight_load_hooks(None, False, dict(prefix='x')) == []
    hook, = weight_load_hooks('a.pth', False, dict(prefix='backbone.', min_match=0.2))
    assert hook['prefix'] == 'backbone.' and hook['min_match'] == 0.2
    hook, = weight_load_hooks('a.pth', True, dict(prefix='backbone.'))
    assert hook['strict'] and 'prefix' not in hook  # a resume is strict, whatever load_cfg says
    with pytest.raises(KeyError, match="'min_macth'"):
        weight_load_hooks('a.pth', False, dict(min_macth=0.2))


def test_load_from_of_a_foreign_file_stops_the_run(tmp_path, tiny_digits):
    torch.save({'model': _net(1).state_dict()}, tmp_path / 'foreign.pth')
    config = write_tiny_config(str(tmp_path), tiny_digits)
    cfg = apply_overrides(load_config(config), str(tmp_path / 'work'),
                          load_from=str(tmp_path / 'foreign.pth'))
    with pytest.raises(WeightLoadError, match=r'foreign\.pth \(with no prefix\).*None was found'):
        build_runner(cfg).train()
    cfg.load_cfg = dict(min_match=0.0)
    cfg.total_epochs = 1
    build_runner(cfg).train()  # explicitly allowed: the run goes on


def test_load_from_without_the_classifier_needs_exclude(tmp_path, tiny_digits):
    config = write_tiny_config(str(tmp_path), tiny_digits)
    source = MODELS.build(load_config(config).model).state_dict()
    backbone = {k: v for k, v in source.items() if not k.startswith('head.')}
    torch.save({'state_dict': backbone}, tmp_path / 'backbone_only.pth')
    cfg = apply_overrides(load_config(config), str(tmp_path / 'work'),
                          load_from=str(tmp_path / 'backbone_only.pth'))
    cfg.total_epochs = 1
    with pytest.raises(WeightLoadError, match=r"backbone_only\.pth.*head\.fc\.weight.*"
                                              r"exclude=\['head\.'\]"):
        build_runner(cfg).train()
    cfg.load_cfg = dict(exclude=['head.'])
    build_runner(cfg).train()  # said on purpose: the classifier starts afresh


def test_resume_hook_is_strict():
    model, source = _net(0), _net(1).state_dict()
    del source['1.bias']
    options = weight_load_hooks('iter_4.pth', True, None)[0]
    options.pop('type')
    with pytest.raises(WeightLoadError, match=r'(?s)Strict load failed.*iter_4\.pth.*1\.bias'):
        WeightLoadHook(**options).after_load_checkpoint(SimpleNamespace(model=model),
                                                        {'state_dict': source})
