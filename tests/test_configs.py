"""Every config in configs/ (bases excluded) loads, passes the schema check, builds its model, and
names only registered datasets, transforms, hooks, optimizers and LR policies. Recipe numbers
are checked per family in tests/configs/."""
import glob
import os.path as osp

import pytest

from mmengine.registry import DefaultScope

from easycv_like.apis.config import load_config
from easycv_like.engine.build_runner import check_schema
from easycv_like.engine.lr_config import lr_config_to_schedulers
from easycv_like.registry import DATASETS, HOOKS, MODELS, OPTIMIZERS, SCOPE, TRANSFORMS

from .conftest import REPO

CONFIGS = sorted(osp.relpath(p, REPO) for p in glob.glob(osp.join(REPO, 'configs', '**', '*.py'),
                                                         recursive=True)
                 if '_base_' not in osp.relpath(p, REPO).split(osp.sep))


def test_configs_are_found():
    assert 'configs/ssl/mocov2_r50.py' in CONFIGS
    assert 'configs/ssl/demo/mocov2_digits.py' in CONFIGS


@pytest.mark.parametrize('name', CONFIGS)
def test_config_builds(name):
    cfg = load_config(osp.join(REPO, name))
    check_schema(cfg)
    model = MODELS.build(cfg.model)
    assert sum(p.numel() for p in model.parameters()) > 0
    train = cfg.data.train
    assert DATASETS.get(train.type) is not None
    for pipeline in train.get('pipelines') or [train.get('pipeline') or []]:
        for transform in pipeline:
            TRANSFORMS.build(transform)
    with DefaultScope.overwrite_default_scope(SCOPE):
        for hook in cfg.get('custom_hooks') or []:
            HOOKS.build(hook)
    assert OPTIMIZERS.get(cfg.optimizer.type) is not None
    total = cfg.total_epochs if cfg.get('total_epochs') is not None else cfg.total_iters
    lr_config_to_schedulers(cfg.get('lr_config'), cfg.get('total_epochs') is not None, total)
