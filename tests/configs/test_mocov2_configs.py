"""The MoCo v2 configs hold the published recipe (and the digits demo its tuned variant)."""
import os.path as osp

import pytest

from easycv_like.apis.config import load_config
from easycv_like.registry import MODELS

from ..conftest import REPO


def test_mocov2_r50_recipe():
    cfg = load_config(osp.join(REPO, 'configs/ssl/mocov2_r50.py'))
    model = cfg.model
    assert model.type == 'MoCo' and model.backbone.depth == 50
    assert (model.queue_len, model.feat_dim, model.momentum) == (65536, 128, 0.999)
    assert model.head == dict(type='ContrastiveHead', temperature=0.2)
    assert (model.neck.in_channels, model.neck.hid_channels, model.neck.out_channels) == (
        2048, 2048, 128)
    assert not model.neck.with_bn and model.neck.with_bias
    assert cfg.optimizer == dict(type='SGD', lr=pytest.approx(0.03), momentum=0.9,
                                 weight_decay=1e-4)
    assert cfg.lr_config.policy == 'CosineAnnealing' and cfg.total_epochs == 200
    assert cfg.custom_hooks == [] and model.get('momentum_end') is None  # engine adds the hook
    assert cfg.data.imgs_per_gpu == 32 and cfg.data.workers_per_gpu == 4 and cfg.data.drop_last
    assert model.queue_len % (cfg.data.imgs_per_gpu * 8) == 0
    view = cfg.data.train.pipelines[0]
    assert [t['type'] for t in view] == ['RandomResizedCrop', 'RandomAppliedTrans',
                                         'RandomGrayscale', 'GaussianBlur',
                                         'RandomHorizontalFlip']
    assert view[0]['size'] == 224 and tuple(view[0]['scale']) == (0.2, 1.0)
    assert view[1]['prob'] == 0.8 and view[1]['transforms'][0] == dict(
        type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1)
    assert view[2]['prob'] == 0.2 and view[3]['prob'] == 0.5
    assert (view[3]['sigma_min'], view[3]['sigma_max']) == (0.1, 2.0)


def test_mocov2_digits_demo_builds_its_data_and_monitor():
    cfg = load_config(osp.join(REPO, 'configs/ssl/demo/mocov2_digits.py'))
    assert MODELS.build(cfg.model).queue.features.shape == (cfg.model.queue_len, cfg.model.feat_dim)
    assert cfg.model.queue_len % cfg.data.imgs_per_gpu == 0 and cfg.data.drop_last
    assert cfg.eval_config.initial
    knn = cfg.eval_pipelines[0]
    assert knn.data.type == 'KNNDataset' and knn.evaluators[0].type == 'KNNEvaluator'
    assert knn.data.bank.data_source.list_file.endswith('train.txt')
    assert knn.data.query.data_source.list_file.endswith('val.txt')
    # digit-sized augmentation: small crops or mirrored digits made every measured run collapse
    view = cfg.data.train.pipelines[0]
    assert 'RandomHorizontalFlip' not in [t['type'] for t in view]
    assert view[0]['type'] == 'RandomResizedCrop' and view[0]['scale'][0] >= 0.5
