"""LayerDecayOptimWrapperConstructor: learning rates scaled by ViT depth, selected from config."""
import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope

from easycv_like.engine.build_runner import _optim_wrapper
from easycv_like.errors import ConfigError
from easycv_like.registry import MODELS, SCOPE


def _model():
    return MODELS.build(dict(
        type='Classification',
        backbone=dict(type='VisionTransformer', img_size=16, patch_size=4, embed_dim=16, depth=2,
                      num_heads=2),
        head=dict(type='ClsHead', in_channels=16, num_classes=3, with_avg_pool=False)))


def _build(model, **paramwise):
    cfg = Config(dict(optimizer=dict(type='AdamW', lr=0.1, weight_decay=0.05,
                                     constructor='LayerDecayOptimWrapperConstructor',
                                     paramwise_options=dict(layer_decay=0.5, **paramwise))))
    with DefaultScope.overwrite_default_scope(SCOPE):  # as inside the Runner
        return build_optim_wrapper(model, _optim_wrapper(cfg))


def _by_name(model, wrapper, key):
    values = {id(p): g[key] for g in wrapper.param_groups for p in g['params']}
    return {name: values[id(p)] for name, p in model.named_parameters()}


def test_config_selects_the_constructor():
    cfg = Config(dict(optimizer=dict(type='AdamW', lr=0.1, constructor='X',
                                     paramwise_options=dict(layer_decay=0.5))))
    wrapper_cfg = _optim_wrapper(cfg)
    assert wrapper_cfg['constructor'] == 'X' and 'constructor' not in wrapper_cfg['optimizer']
    assert 'constructor' not in _optim_wrapper(Config(dict(optimizer=dict(type='SGD', lr=1))))


def test_expected_lr_scales():
    model = _model()
    lrs = _by_name(model, _build(model), 'lr')
    # depth 2: layer ids 0 (embeddings) .. 3 (after the blocks); scale 0.5 ** (3 - id)
    assert lrs['backbone.cls_token'] == pytest.approx(0.1 * 0.125)
    assert lrs['backbone.pos_embed'] == pytest.approx(0.1 * 0.125)
    assert lrs['backbone.patch_embed.proj.weight'] == pytest.approx(0.1 * 0.125)
    assert lrs['backbone.blocks.0.attn.qkv.weight'] == pytest.approx(0.1 * 0.25)
    assert lrs['backbone.blocks.1.mlp.fc2.bias'] == pytest.approx(0.1 * 0.5)
    assert lrs['backbone.norm.weight'] == pytest.approx(0.1)
    assert lrs['head.fc.weight'] == pytest.approx(0.1)
    assert len(lrs) == len(list(model.parameters()))


def test_combines_with_weight_decay_options():
    model = _model()
    wrapper = _build(model, norm_decay_mult=0.0, bias_decay_mult=0.0,
                     custom_keys={'pos_embed': dict(decay_mult=0.0, lr_mult=2.0)})
    wds = _by_name(model, wrapper, 'weight_decay')
    lrs = _by_name(model, wrapper, 'lr')
    assert wds['backbone.blocks.0.attn.qkv.weight'] == pytest.approx(0.05)
    assert wds['backbone.blocks.0.norm1.weight'] == 0.0
    assert wds['backbone.blocks.0.attn.qkv.bias'] == 0.0
    assert wds['backbone.pos_embed'] == 0.0
    assert lrs['backbone.pos_embed'] == pytest.approx(0.1 * 2.0 * 0.125)
    wrapper.update_params(model(torch.randn(2, 3, 16, 16), mode='tensor').sum())


def test_needs_layer_decay_and_a_vit():
    with pytest.raises(KeyError, match='layer_decay'):
        with DefaultScope.overwrite_default_scope(SCOPE):
            build_optim_wrapper(_model(), _optim_wrapper(Config(dict(optimizer=dict(
                type='AdamW', lr=0.1, weight_decay=0.05,
                constructor='LayerDecayOptimWrapperConstructor',
                paramwise_options=dict(norm_decay_mult=0.0))))))
    resnet = MODELS.build(dict(type='Classification', backbone=dict(type='ResNet', depth=18),
                               head=dict(type='ClsHead', in_channels=512, num_classes=3)))
    with pytest.raises(ConfigError, match='layer_id'):
        _build(resnet)
