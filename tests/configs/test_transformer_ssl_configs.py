"""The ViT self-supervised configs (DINO, MoBY, MAE + fine-tuning) carry the published recipes'
numbers (that they build and pass the schema check: tests/test_configs.py)."""
import os.path as osp

import pytest

from easycv_like.apis.config import load_config

from ..conftest import REPO

CONFIGS = ['ssl/dino_deit_small_p16.py', 'ssl/moby_deit_small_p16.py', 'ssl/mae_vit_base_p16.py',
           'benchmarks/mae_vit_base_p16_finetune.py']


def _load(name):
    return load_config(osp.join(REPO, 'configs', name))


@pytest.mark.parametrize('name', CONFIGS)
def test_vit_with_16_pixel_patches(name):
    """Building, the schema and the registered names: tests/test_configs.py, for every config."""
    assert _load(name).model.backbone.patch_size == 16


def test_dino_recipe():
    cfg = _load('ssl/dino_deit_small_p16.py')
    assert cfg.model.backbone.embed_dim == 384 and cfg.model.backbone.depth == 12
    assert cfg.model.backbone.num_heads == 6 and cfg.model.momentum == 0.996
    assert cfg.data.train.num_views == [1, 1, 8]
    assert [p[0]['size'] for p in cfg.data.train.pipelines] == [224, 224, 96]
    assert cfg.optimizer.lr == pytest.approx(5e-4 * 512 / 256)
    assert cfg.optimizer.weight_decay == 0.04 and cfg.total_epochs == 100
    hooks = {h['type']: h for h in cfg.custom_hooks}
    assert cfg.weight_decay_config.end_wd == 0.4
    assert hooks['DINOTeacherTempHook']['end_temp'] == 0.07
    assert cfg.model.momentum_end == 1.0 and 'MomentumUpdateHook' not in hooks


def test_moby_recipe():
    cfg = _load('ssl/moby_deit_small_p16.py')
    assert cfg.model.queue_len == 4096 and cfg.model.head.temperature == 0.2
    assert cfg.model.momentum == 0.99
    assert cfg.model.momentum_end == 1.0 and cfg.custom_hooks == []


def test_mae_recipes():
    cfg = _load('ssl/mae_vit_base_p16.py')
    assert cfg.model.mask_ratio == 0.75 and cfg.model.backbone.embed_dim == 768
    assert (cfg.model.neck.embed_dim, cfg.model.neck.depth, cfg.model.neck.num_heads) == (
        512, 8, 16)
    assert cfg.optimizer.betas == (0.9, 0.95) and cfg.optimizer.weight_decay == 0.05
    assert cfg.optimizer.lr == pytest.approx(1.5e-4 * 4096 / 256)
    assert cfg.total_epochs == 400
    finetune = _load('benchmarks/mae_vit_base_p16_finetune.py')
    assert finetune.optimizer.constructor == 'LayerDecayOptimWrapperConstructor'
    assert finetune.optimizer.paramwise_options.layer_decay == 0.65
    assert finetune.load_cfg == dict(exclude=['backbone.fc_norm.', 'head.fc.'])  # start afresh
