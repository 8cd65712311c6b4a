"""The YOLOX configs hold Megvii's published recipe (yolox/exp/yolox_base.py, exps/default/*.py):
sizes, augmentation, schedule, EMA, evaluation and the last-15-epochs switch."""
import bisect
import os.path as osp

import pytest
from mmengine.runner.utils import calc_dynamic_intervals

from easycv_like.apis.config import load_config
from easycv_like.engine.build_runner import check_schema, resolve_dynamic_intervals
from easycv_like.engine.hooks import ModeSwitchHook

from ..conftest import REPO

# name: (deepen, widen, depthwise, input side, mosaic p, mix-up, mosaic scale, multi-scale sides)
RECIPE = {
    'nano': (0.33, 0.25, True, 416, 0.5, False, (0.5, 1.5), (320, 640)),
    'tiny': (0.33, 0.375, False, 416, 1.0, False, (0.5, 1.5), (320, 640)),
    's': (0.33, 0.50, False, 640, 1.0, True, (0.1, 2.0), (480, 800)),
    'm': (0.67, 0.75, False, 640, 1.0, True, (0.1, 2.0), (480, 800)),
    'l': (1.0, 1.0, False, 640, 1.0, True, (0.1, 2.0), (480, 800)),
    'x': (1.33, 1.25, False, 640, 1.0, True, (0.1, 2.0), (480, 800)),
}


def _load(name):
    return load_config(osp.join(REPO, 'configs', 'detection', 'yolox',
                                f'yolox_{name}_8xb8_300e_coco.py'))


@pytest.mark.parametrize('name', sorted(RECIPE))
def test_sizes_and_augmentation(name):
    deepen, widen, depthwise, side, mosaic_p, mixup, scale, sides = RECIPE[name]
    cfg = _load(name)
    model = cfg.model
    assert (model.backbone.deepen_factor, model.backbone.widen_factor) == (deepen, widen)
    assert (model.neck.deepen_factor, model.neck.widen_factor, model.head.widen_factor) == (
        deepen, widen, widen)
    assert model.backbone.depthwise == model.neck.depthwise == model.head.depthwise == depthwise
    assert model.head.num_classes == 80
    classes = cfg.data.val.data_source.classes  # COCO's 80 in category-id order
    assert cfg.data.train.data_source.classes == classes and len(set(classes)) == 80
    assert (classes[0], classes[11], classes[-1]) == ('person', 'stop sign', 'toothbrush')
    assert (model.score_thr, model.nms_iou_thr) == (0.01, 0.65)
    pre = model.data_preprocessor
    assert (pre.mean, pre.std, pre.to_bgr) == (None, None, True)  # unnormalised BGR
    assert tuple(pre.batch_resize.size_range) == sides and pre.batch_resize.interval == 10
    train = cfg.data.train
    assert tuple(train.mosaic.img_scale) == (side, side) and train.mosaic.prob == mosaic_p
    affine, = train.mosaic_pipeline
    assert tuple(affine.scaling_ratio_range) == scale
    assert (affine.max_rotate_degree, affine.max_shear_degree, affine.max_translate_ratio) == (
        10.0, 2.0, 0.1)
    assert tuple(affine.border) == (-side // 2, -side // 2) and affine.pad_value == 114
    assert (train.mixup is not None) == mixup
    if mixup:
        assert tuple(train.mixup.ratio_range) == (0.5, 1.5) and train.mixup.prob == 1.0
    kinds = [t['type'] for t in train.pipeline]
    assert kinds == ['RandomHSV', 'RandomHorizontalFlip', 'Letterbox', 'FilterBoxes',
                     'PackDetInputs']
    assert train.pipeline[1]['prob'] == 0.5
    for pipeline in (train.pipeline, cfg.data.val.pipeline):
        letterbox, = [t for t in pipeline if t['type'] == 'Letterbox']
        assert tuple(letterbox['size']) == (side, side) and letterbox['pad_value'] == 114
    assert cfg.data.imgs_per_gpu == 8
    assert cfg.eval_pipelines[0]['evaluators'] == [dict(type='CocoDetectionEvaluator')]
    assert cfg.data.val.data_source.ann_file == 'data/coco/annotations/instances_val2017.json'
    assert train.data_source.img_root == 'data/coco/train2017'


def test_schedule_switch_and_evaluation_epochs():
    cfg = _load('s')
    assert cfg.optimizer == dict(type='SGD', lr=0.01, momentum=0.9, nesterov=True,
                                 weight_decay=5e-4, paramwise_cfg=dict(
                                     norm_decay_mult=0.0, bias_decay_mult=0.0))
    assert cfg.auto_scale_lr == dict(base_batch_size=64)
    assert cfg.ema == dict(type='ExpMomentumEMA', momentum=0.0002, gamma=2000)
    assert cfg.num_last_epochs == 15
    cfg = check_schema(cfg)  # num_last_epochs filled into the LR policy, the hook and the data
    assert cfg.lr_config == dict(policy='YOLOX', warmup='quadratic', warmup_by_epoch=True,
                                 warmup_iters=5, warmup_ratio=0.0, num_last_epochs=15,
                                 min_lr_ratio=0.05, by_epoch=False)
    hook, = cfg.custom_hooks
    switch = ModeSwitchHook(**{k: v for k, v in hook.items() if k != 'type'})
    train = cfg.data.train
    assert switch.switch_epoch(cfg.total_epochs) == 285  # exactly the last 15 epochs
    assert train.max_epochs - train.no_mix_epochs == 285 and train.max_epochs == cfg.total_epochs
    assert list(switch.switches) == ['use_l1']
    # as mmengine's epoch loop decides it: epoch e (0-based) takes the interval of its
    # milestone and is evaluated when e + 1 is a multiple of it
    milestones, intervals = calc_dynamic_intervals(
        cfg.eval_config.interval,
        resolve_dynamic_intervals(cfg.eval_config.dynamic_intervals, cfg.total_epochs))
    evaluated = [e + 1 for e in range(cfg.total_epochs)
                 if (e + 1) % intervals[bisect.bisect(milestones, e + 1) - 1] == 0]
    assert evaluated == sorted(set(range(10, 281, 10)) | set(range(286, 301)))


def test_shapes_demo_is_yolox_nano_with_a_consistent_switch():
    cfg = check_schema(load_config(osp.join(REPO, 'configs', 'detection', 'demo',
                                            'yolox_nano_shapes.py')))
    assert cfg.model.type == 'YOLOX' and cfg.model.head.num_classes == 3
    assert cfg.model.backbone.depthwise and cfg.model.backbone.widen_factor == 0.25
    hook, = cfg.custom_hooks
    switch = ModeSwitchHook(**{k: v for k, v in hook.items() if k != 'type'})
    train = cfg.data.train
    assert train.max_epochs == cfg.total_epochs
    assert switch.switch_epoch(cfg.total_epochs) == train.max_epochs - train.no_mix_epochs
    assert cfg.lr_config.num_last_epochs == train.no_mix_epochs
    assert cfg.eval_config.initial and cfg.eval_pipelines[0]['name'] == 'coco'


def test_the_resnet50_config_is_yolox_l_on_a_self_supervised_backbone():
    """yolox_r50: YOLOX-l's neck and head on ResNet-50 stages 2-4 loaded strictly from an SSL
    checkpoint's online encoder, trained BN, and the input the pre-training saw."""
    cfg, large = _load('r50'), _load('l')
    backbone = cfg.model.backbone
    assert (backbone.type, backbone.depth) == ('ResNet', 50)
    assert tuple(backbone.out_indices) == (1, 2, 3)
    assert backbone.init_cfg == dict(type='Pretrained', checkpoint='work_dirs/mocov2_r50/latest.pth',
                                     prefix='backbone.', strict=True)
    assert backbone.norm_cfg == dict(type='SyncBN') and not backbone.norm_eval
    assert backbone.frozen_stages == -1
    assert tuple(cfg.model.neck.pop('backbone_channels')) == (512, 1024, 2048)
    assert cfg.model.neck == large.model.neck and cfg.model.head == large.model.head
    pre = cfg.model.data_preprocessor
    assert (tuple(pre.mean), tuple(pre.std), pre.to_bgr) == (
        (123.675, 116.28, 103.53), (58.395, 57.12, 57.375), False)
    assert pre.batch_resize == large.model.data_preprocessor.batch_resize
    for key in ('data', 'optimizer', 'lr_config', 'total_epochs', 'num_last_epochs', 'ema'):
        assert cfg[key] == large[key], key
