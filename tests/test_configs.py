"""Every config in configs/ (bases excluded) loads, passes the schema check and builds its model."""
import glob
import os.path as osp

import pytest

from easycv_like.apis.config import load_config
from easycv_like.engine.build_runner import check_schema
from easycv_like.registry import MODELS

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
