"""The shapes dataset bases build their datasets and loaders on a freshly made shapes set."""
import importlib.util
import os
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from easycv_like.data.builder import build_dataloader

from ..conftest import REPO

TOOL = osp.join(REPO, 'tools', 'make_shapes_dataset.py')


@pytest.fixture(scope='module')
def shapes_cwd(tmp_path_factory):
    root = tmp_path_factory.mktemp('work')
    spec = importlib.util.spec_from_file_location('make_shapes_dataset', TOOL)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    tool.main(['--out', str(root / 'data' / 'shapes'), '--num-train', '8', '--num-val', '4'])
    return root


@pytest.mark.parametrize('name, key', [('shapes_det.py', 'gt_bboxes'),
                                       ('shapes_seg.py', 'gt_seg_map')])
def test_shapes_bases_build_and_batch(shapes_cwd, monkeypatch, name, key):
    cfg = Config.fromfile(osp.join(REPO, 'configs', '_base_', 'datasets', name))
    monkeypatch.chdir(shapes_cwd)
    for split, train in (('train', True), ('val', False)):
        data = dict(cfg.data, imgs_per_gpu=4, workers_per_gpu=0, drop_last=False)
        with DefaultScope.overwrite_default_scope('easycv_like'):
            loader = Runner.build_dataloader(build_dataloader(data, cfg.data[split], train, seed=0),
                                             seed=0)
        batch = next(iter(loader))
        assert batch['inputs'].dtype == torch.uint8 and batch['inputs'].shape[0] == 4
        assert batch['inputs'].shape[2] % 32 == 0 and batch['inputs'].shape[3] % 32 == 0
        assert all(key in sample for sample in batch['data_samples'])
    assert os.path.isdir(shapes_cwd / 'data' / 'shapes' / 'train' / 'masks')
