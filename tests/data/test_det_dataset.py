import importlib.util
import os

import numpy as np
import pytest
import torch
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from easycv_like.data.builder import build_dataloader
from easycv_like.engine.train_loops import _skip_to
from easycv_like.registry import DATASETS

TOOL = os.path.join(os.path.dirname(__file__), '..', '..', 'tools', 'make_shapes_dataset.py')


@pytest.fixture(scope='module')
def shapes(tmp_path_factory):
    root = tmp_path_factory.mktemp('shapes')
    spec = importlib.util.spec_from_file_location('make_shapes_dataset', TOOL)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    tool.main(['--out', str(root), '--num-train', '10', '--num-val', '2'])
    return root


def _det_cfg(root, **extra):
    return dict(type='DetDataset',
                data_source=dict(type='Coco', ann_file=str(root / 'train' / 'annotations.json'),
                                 img_root=str(root / 'train' / 'images')),
                pipeline=[dict(type='LoadImage'), dict(type='RandomHorizontalFlip'),
                          dict(type='Resize', size=(64, 80)), dict(type='PackDetInputs')],
                **extra)


def test_coco_detection_items_and_metainfo(shapes):
    dataset = DATASETS.build(_det_cfg(shapes))
    assert dataset.metainfo['classes'] == ['circle', 'square', 'triangle']
    assert dataset.metainfo['cat_ids'] == [1, 2, 3]
    assert dataset.metainfo['ann_file'].endswith('annotations.json')
    item = dataset[9]  # every tenth image is empty
    assert item['inputs'].shape == (3, 64, 80)
    assert item['data_samples']['gt_bboxes'].shape == (0, 4)
    sample = dataset[0]['data_samples']
    h, w = sample['ori_shape']
    assert sample['scale_factor'] == pytest.approx((80 / w, 64 / h)) and sample['img_id'] == 1
    assert 0 < dataset.aspect_ratio(0) == w / h


def test_seg_folder_items(shapes):
    dataset = DATASETS.build(dict(
        type='SegDataset',
        data_source=dict(type='SegFolder', img_dir=str(shapes / 'val' / 'images'),
                         mask_dir=str(shapes / 'val' / 'masks'),
                         classes=str(shapes / 'seg_classes.txt')),
        pipeline=[dict(type='LoadImage'), dict(type='LoadSegMap'),
                  dict(type='RandomResize', scale=(64, 64)), dict(type='RandomCrop', size=48),
                  dict(type='PackSegInputs')]))
    assert dataset.metainfo['classes'][0] == 'background'
    seg = dataset[0]['data_samples']['gt_seg_map']
    assert seg.shape == (48, 48) and set(seg.unique().tolist()) <= {0, 1, 2, 3, 255}


def test_seg_dataset_checks_mask_values_against_its_classes(shapes):
    source = dict(type='SegFolder', img_dir=str(shapes / 'val' / 'images'),
                  mask_dir=str(shapes / 'val' / 'masks'), classes=['background', 'circle'])
    pipeline = [dict(type='LoadImage'), dict(type='LoadSegMap'), dict(type='PackSegInputs')]
    dataset = DATASETS.build(dict(type='SegDataset', data_source=source, pipeline=pipeline))
    assert dataset.pipeline.transforms[1].num_classes == 2
    index = next(i for i in range(len(dataset))
                 if _mask_values(dataset.data_source[i]['seg_map_path']) - {0, 1, 255})
    with pytest.raises(ValueError, match=r"masks/val_\d+\.png' holds values \[[23]"):
        dataset[index]
    source['classes'] = None  # no class list: nothing to check against
    dataset = DATASETS.build(dict(type='SegDataset', data_source=source, pipeline=pipeline))
    assert dataset.pipeline.transforms[1].num_classes is None
    assert dataset[index]['data_samples']['gt_seg_map'].max() >= 2


def _mask_values(path: str) -> set:
    from PIL import Image
    with Image.open(path) as png:
        return set(np.unique(np.array(png)).tolist())


def test_loader_config_pads_groups_and_resumes_by_batches(shapes):
    cfg = _det_cfg(shapes, collate=dict(type='pad_collate', size_divisor=32, pad_value=114),
                   batch_sampler=dict(type='AspectRatioBatchSampler'))
    cfg['pipeline'] = [dict(type='LoadImage'), dict(type='PackDetInputs')]
    data = dict(imgs_per_gpu=3, workers_per_gpu=0, drop_last=True)
    loader_cfg = build_dataloader(data, cfg, True, seed=5)
    assert 'collate' not in loader_cfg['dataset'] and 'drop_last' not in loader_cfg
    assert loader_cfg['batch_sampler']['drop_last'] is True
    with DefaultScope.overwrite_default_scope('easycv_like'):  # as inside the Runner
        loader = Runner.build_dataloader(loader_cfg, seed=5)
    assert loader.batch_size is None and len(loader) == 3
    loader.batch_sampler.set_epoch(1)
    batches = list(loader)
    for batch in batches:
        inputs = batch['inputs']
        assert inputs.dtype == torch.uint8 and inputs.shape[0] == 3
        assert inputs.shape[2] % 32 == 0 and inputs.shape[3] % 32 == 0
        for i, sample in enumerate(batch['data_samples']):
            h, w = sample['img_shape']
            assert sample['batch_input_shape'] == tuple(inputs.shape[2:])
            assert (inputs[i, :, h:] == 114).all() and (inputs[i, :, :, w:] == 114).all()
    _skip_to(loader, 1, 2)  # what a resume at batch 2 of epoch 1 does
    resumed = list(loader)
    assert len(resumed) == 1
    assert [s['sample_idx'] for s in resumed[0]['data_samples']] == \
        [s['sample_idx'] for s in batches[2]['data_samples']]


def test_stack_collate_stays_for_classification():
    from easycv_like.data.stack_collate import stack_collate
    cfg = dict(type='ClsDataset', data_source=dict(type='ImageList', list_file='x.txt'),
               pipeline=[])
    data = dict(imgs_per_gpu=2, workers_per_gpu=0, drop_last=False)
    loader_cfg = build_dataloader(data, cfg, True, seed=0)
    assert loader_cfg['collate_fn'] == dict(type=stack_collate)
    assert 'batch_sampler' not in loader_cfg
    with pytest.raises(KeyError, match='pad_collate'):
        build_dataloader(data, dict(cfg, collate=dict(type='pad_colate')), True, 0)
