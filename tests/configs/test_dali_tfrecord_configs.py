"""The DALI + TFRecord configs parse, pass the schema check and build their parts."""
import os.path as osp

import pytest

from easycv_like.apis.config import load_config
from easycv_like.data.dali.view_spec import MOCOV2_VIEW, ViewSpec
from easycv_like.engine import check_schema
from easycv_like.registry import DATASETS, MODELS

from ..conftest import REPO


def test_resnet50_imagenet_dali_config_builds(digits_tfrecord):
    pytest.importorskip('nvidia.dali')
    cfg = load_config(osp.join(REPO, 'configs/classification/imagenet/resnet50_dali_tfrecord.py'))
    check_schema(cfg)
    assert cfg.data.train.decoder_device == 'mixed' and cfg.data.train.hw_decoder_load == 1.0
    assert MODELS.build(cfg.model).head.fc.out_features == 1000
    for split in ('train', 'val'):
        dataset_cfg = dict(cfg.data[split], source=dict(
            cfg.data[split].source, shards=osp.join(digits_tfrecord, 'val-*.tfrecord'),
            classes=None))
        dataset = DATASETS.build(dataset_cfg)
        assert len(dataset) == 60 and dataset.view_specs()[0].size == 224
    assert dataset.view_specs()[0].scale is None  # val: resize 256 + centre crop


def test_mocov2_dali_config_is_the_mocov2_recipe():
    cfg = load_config(osp.join(REPO, 'configs/ssl/mocov2_r50_dali_tfrecord.py'))
    base = load_config(osp.join(REPO, 'configs/ssl/mocov2_r50.py'))
    check_schema(cfg)
    assert cfg.model == base.model and cfg.optimizer == base.optimizer
    assert cfg.total_epochs == base.total_epochs and cfg.data.imgs_per_gpu == base.data.imgs_per_gpu
    assert ViewSpec.from_dict(cfg.data.train.view) == ViewSpec.from_dict(MOCOV2_VIEW)
    assert (cfg.data.train.decoder_device, cfg.data.train.hw_decoder_load) == ('mixed', 1.0)
