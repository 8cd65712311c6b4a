"""The ResNet-50 SimCLR, BYOL and SwAV configs carry the published recipes' numbers (that they
build and pass the schema check: tests/test_configs.py)."""
import os.path as osp

import pytest

from easycv_like.apis.config import load_config

from ..conftest import REPO

CONFIGS = ['ssl/simclr_r50.py', 'ssl/byol_r50.py', 'ssl/swav_r50.py']


def _load(name):
    return load_config(osp.join(REPO, 'configs', name))


@pytest.mark.parametrize('name', CONFIGS)
def test_resnet50_with_lars(name):
    """Building, the schema and the registered names: tests/test_configs.py, for every config."""
    cfg = _load(name)
    assert cfg.model.backbone.depth == 50 and cfg.optimizer.type == 'LARS'


def test_simclr_recipe():
    cfg = _load('ssl/simclr_r50.py')
    assert cfg.data.imgs_per_gpu * 8 == 4096 and cfg.data.train.num_views == [2]
    assert cfg.optimizer.lr == pytest.approx(4.8) and cfg.optimizer.weight_decay == 1e-6
    assert cfg.optimizer.exclude_1d and cfg.model.head.temperature == 0.1
    neck = cfg.model.neck
    assert (neck.in_channels, neck.hid_channels, neck.out_channels) == (2048, 2048, 128)
    assert cfg.lr_config.warmup_iters == 10 * (1281167 // 4096) and cfg.total_epochs == 800


def test_byol_recipe():
    cfg = _load('ssl/byol_r50.py')
    assert cfg.data.imgs_per_gpu * 8 == 4096 and cfg.data.train.num_views == [1, 1]
    assert cfg.optimizer.lr == pytest.approx(3.2) and cfg.optimizer.weight_decay == 1.5e-6
    assert (cfg.model.neck.hid_channels, cfg.model.neck.out_channels) == (4096, 256)
    predictor = cfg.model.head.predictor
    assert (predictor.in_channels, predictor.hid_channels, predictor.out_channels) == (
        256, 4096, 256)
    assert cfg.model.momentum == 0.99 and cfg.total_epochs == 300
    assert cfg.model.momentum_end == 1.0 and cfg.custom_hooks == []  # engine adds the hook
    view1, view2 = cfg.data.train.pipelines

    def probs(kind):
        return [[t['prob'] for t in view if t['type'] == kind] for view in (view1, view2)]

    assert probs('Solarization') == [[], [0.2]] and probs('GaussianBlur') == [[1.0], [0.1]]


def test_swav_recipe():
    cfg = _load('ssl/swav_r50.py')
    assert cfg.data.train.num_views == [2, 6]
    assert [p[0]['size'] for p in cfg.data.train.pipelines] == [224, 96]
    head = cfg.model.head
    assert (head.num_prototypes, head.epsilon, head.temperature) == (3000, 0.05, 0.1)
    assert head.queue_length * 8 == 3840 and tuple(head.num_crops) == (2, 6)
    hooks = {h['type']: h for h in cfg.custom_hooks}
    assert hooks['SwAVPrototypeFreezeHook']['freeze_iters'] == 1281167 // 256  # one epoch
    assert hooks['SwAVQueueHook']['start_epoch'] == 15
    assert cfg.optimizer.lr == 0.6 and cfg.lr_config.min_lr == 0.0006
    assert cfg.total_epochs == 200
