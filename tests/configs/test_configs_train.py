"""Every shipped config trains as a user runs it: fake data in the config's own layout (relative
data roots, read from the run folder), shrunk only where a CPU user would shrink it (batch 2, no
loader workers, one epoch, warm-ups of one iteration; YOLOX two epochs, see YOLOX below),
through ``easycv_like.train``. Each case asserts a finite loss at every iteration, a written
checkpoint and, where the config evaluates, its metric keys. Linear probes and fine-tuning
first run their pre-training config (with its own case's options) in the same folder, whose
checkpoint is the path they name. Cases whose iterations take more than a few seconds on one CPU
thread are marked slow (run them with ``-m slow``)."""
import glob
import json
import math
import os
import os.path as osp
from typing import NamedTuple, Optional

import pytest
import torch

from easycv_like import train
from easycv_like.apis.config import load_config

from . import fake_datasets
from ..conftest import REPO
from ..test_configs import CONFIGS

SHRINK = {'data.imgs_per_gpu': 2, 'data.workers_per_gpu': 0, 'total_epochs': 1,
          'log_config.interval': 1}
# YOLOX couples the run length with its schedule: warm-up and the last no-mixing / L1 epochs
# (num_last_epochs, filled into the data, ModeSwitchHook and lr policy). Two one-iteration
# epochs: one with mixing, one in the last mode.
YOLOX = {'total_epochs': 2, 'num_last_epochs': 1, 'lr_config.warmup': None}
# A warm-up must end before the run's last iteration: one of the two iterations.
WARMUP = {'lr_config.warmup_iters': 1}
CLS = ('val/top1', 'val/top5')
SEG = ('val/mIoU', 'val/mAcc', 'val/aAcc')


class Case(NamedTuple):
    config: str
    data: str  # a maker of fake_datasets: digits, imagenet, tfrecord, coco, voc, shapes, or two
    # joined by '+' (a pre-training on one, fine-tuning on the other)
    metrics: tuple = ()  # metric keys of the final evaluation; () when the config has none
    options: Optional[dict] = None  # on top of SHRINK
    pretrain: Optional[str] = None  # config run first in the same folder
    load_from: Optional[str] = None  # --load_from of the case (fine-tuning)
    iters: int = 2
    slow: bool = False
    frozen_backbone: bool = False  # a linear probe: backbone.* stays the pre-trained weights


CASES = [
    Case('classification/digits/resnet18_digits.py', 'digits', CLS, WARMUP),
    Case('classification/digits/mobilenet_v3_small_digits.py', 'digits', CLS, WARMUP),
    Case('ssl/demo/mocov2_digits.py', 'digits', ('knn/knn_top1', 'knn/knn_top5')),
    Case('benchmarks/linear_r18_digits.py', 'digits', CLS, pretrain='ssl/demo/mocov2_digits.py',
         frozen_backbone=True),
    Case('detection/demo/yolox_nano_shapes.py', 'shapes', ('coco/mAP', 'coco/mAP50'),
         YOLOX, iters=4),
    Case('segmentation/demo/lraspp_mnv3_shapes.py', 'shapes', SEG),
    Case('segmentation/demo/deeplabv3_mnv3_shapes.py', 'shapes', SEG),
    Case('classification/imagenet/mobilenet_v3_small.py', 'imagenet', CLS),
    Case('classification/imagenet/mobilenet_v3_large.py', 'imagenet', CLS),
    Case('classification/imagenet/mobilenet_v2.py', 'imagenet', CLS),
    Case('classification/imagenet/resnet50_dali_tfrecord.py', 'tfrecord', CLS, WARMUP,
         slow=True),
    Case('ssl/mocov2_r50.py', 'imagenet', slow=True),
    Case('ssl/mocov2_r50_dali_tfrecord.py', 'tfrecord', slow=True),
    Case('benchmarks/linear_mocov2_r50_in1k.py', 'imagenet', CLS, pretrain='ssl/mocov2_r50.py',
         frozen_backbone=True, slow=True),
    Case('ssl/simclr_r50.py', 'imagenet', options=WARMUP, slow=True),
    Case('ssl/byol_r50.py', 'imagenet', options=WARMUP, slow=True),
    # a short run shortens SwAV's schedules too (a queue or a freeze past the run is an error)
    Case('ssl/swav_r50.py', 'imagenet', options={'custom_hooks.0.freeze_iters': 1,
                                                 'custom_hooks.1.start_epoch': 0.5}, slow=True),
    Case('ssl/dino_deit_small_p16.py', 'imagenet',
         options=dict(WARMUP, **{'custom_hooks.0.warmup_epochs': 0.5}), slow=True),
    Case('ssl/moby_deit_small_p16.py', 'imagenet', options=WARMUP, slow=True),
    Case('ssl/mae_vit_base_p16.py', 'imagenet', options=WARMUP, slow=True),
    Case('benchmarks/mae_vit_base_p16_finetune.py', 'imagenet', CLS, WARMUP,
         pretrain='ssl/mae_vit_base_p16.py', load_from='work_dirs/mae_vit_base_p16/latest.pth',
         slow=True),
    Case('segmentation/lraspp_mobilenet_v3_large_voc.py', 'voc', SEG, iters=1, slow=True),
    Case('segmentation/deeplabv3_mobilenet_v3_large_voc.py', 'voc', SEG, iters=1, slow=True),
    Case('segmentation/fcn_r50_voc.py', 'voc', SEG, iters=1, slow=True),
    *[Case(f'detection/yolox/yolox_{size}_8xb8_300e_coco.py', 'coco', ('val/mAP', 'val/mAP50'),
           YOLOX, slow=size != 'nano') for size in ('nano', 'tiny', 's', 'm', 'l', 'x')],
    Case('detection/yolox/yolox_r50_8xb8_300e_coco.py', 'coco+imagenet', ('val/mAP', 'val/mAP50'),
         YOLOX, pretrain='ssl/mocov2_r50.py', slow=True),
]
BY_CONFIG = {c.config: c for c in CASES}


def _coco(run_dir: str) -> str:
    cfg = load_config(osp.join(REPO, 'configs/detection/yolox/yolox_s_8xb8_300e_coco.py'))
    return fake_datasets.make_coco(run_dir, list(cfg.data.train.data_source.classes),
                                   per_split=2)


MAKERS = dict(digits=fake_datasets.make_digits, imagenet=fake_datasets.make_imagenet_lists,
              tfrecord=fake_datasets.make_imagenet_tfrecord, coco=_coco,
              voc=fake_datasets.make_voc, shapes=fake_datasets.make_shapes)


def test_every_config_has_a_case():
    assert sorted(f'configs/{c.config}' for c in CASES) == CONFIGS


def _backbone(checkpoint: str) -> dict:
    state = torch.load(checkpoint, map_location='cpu', weights_only=False)['state_dict']
    return {k: v for k, v in state.items() if k.startswith('backbone.')}


@pytest.fixture(scope='session')
def fake_data(tmp_path_factory):
    """``kind`` -> a folder holding ``data/`` in that kind's layout, made once a session."""
    made = {}

    def get(kind: str) -> str:
        if kind not in made:
            made[kind] = str(tmp_path_factory.mktemp(f'fake_{kind}'))
            for maker in kind.split('+'):
                MAKERS[maker](made[kind])
        return made[kind]
    return get


def _losses(work_dir: str) -> list:
    """The ``loss`` of every logged training iteration (``log_config.interval=1``)."""
    logs = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
    with open(logs[-1]) as f:
        return [r['loss'] for r in map(json.loads, filter(str.strip, f)) if 'loss' in r]


def _run(config: str, case: Case, load_from: Optional[str] = None) -> dict:
    name = osp.splitext(osp.basename(config))[0]
    options = dict(SHRINK, **(case.options or {}))
    return train(osp.join(REPO, 'configs', config), work_dir=f'work_dirs/{name}',
                 cfg_options=options, load_from=load_from)


@pytest.mark.parametrize('case', [pytest.param(c, id=c.config, marks=[pytest.mark.slow] * c.slow)
                                  for c in CASES])
def test_config_trains(case, fake_data, tmp_path, monkeypatch):
    if case.data == 'tfrecord':
        pytest.importorskip('nvidia.dali')
    os.symlink(osp.join(fake_data(case.data), 'data'), tmp_path / 'data')
    monkeypatch.chdir(tmp_path)
    pretrained = _run(case.pretrain, BY_CONFIG[case.pretrain]) if case.pretrain else None
    result = _run(case.config, case, case.load_from)
    losses = _losses(result['work_dir'])
    assert len(losses) == case.iters, losses
    assert all(math.isfinite(loss) for loss in losses), losses
    assert result['checkpoint'] and osp.isfile(result['checkpoint'])
    assert set(case.metrics) <= set(result['metrics']), result['metrics']
    assert bool(case.metrics) == bool(result['metrics']), result['metrics']
    if case.frozen_backbone:
        before, after = _backbone(pretrained['checkpoint']), _backbone(result['checkpoint'])
        assert before.keys() == after.keys() and before
        assert all(torch.equal(before[k], after[k]) for k in before)


@pytest.mark.parametrize('head', ['decode_head', 'auxiliary_head'])
def test_segmentor_class_count_is_checked_before_training(head, fake_data, tmp_path, monkeypatch):
    """A VOC-sized head on the 4-class shapes masks stops before the first step."""
    from easycv_like.engine.class_checks import ClassMismatchError
    os.symlink(osp.join(fake_data('shapes'), 'data'), tmp_path / 'data')
    monkeypatch.chdir(tmp_path)
    case = Case('segmentation/demo/deeplabv3_mnv3_shapes.py', 'shapes',
                options={f'model.{head}.num_classes': 21})
    with pytest.raises(ClassMismatchError, match=rf'model.{head}.num_classes=21 .* 4 classes '
                       r"\(from data.train: the file 'data/shapes/seg_classes.txt'\)"):
        _run(case.config, case)
    assert not glob.glob('work_dirs/deeplabv3_mnv3_shapes/*.pth')
