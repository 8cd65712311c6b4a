"""The YOLOX last-epochs mode: the model's switch and the data's mixing change at exactly epoch
``max_epochs - num_last_epochs``, evaluation follows ``eval_config.dynamic_intervals``, and a run
interrupted before or after the switch resumes to the same weights, EMA, sizes and mode."""
import os.path as osp
from types import SimpleNamespace

import pytest
import torch
from mmengine.hooks import Hook
from torch import nn

from easycv_like import train
from easycv_like.engine.hooks import ModeSwitchHook
from easycv_like.engine.hooks.mode_switch_hook import set_model_switch
from easycv_like.errors import ConfigError
from easycv_like.models.detection import BaseDetector
from easycv_like.models.selfsup.scheduled_values import ScheduledValuesMixin
from easycv_like.registry import HOOKS, MODELS
from easycv_like.utils.checkpoint import load_checkpoint_file

TRACE = []  # (epoch, iteration, use_l1, mixing) of every training iteration
SIZES = []  # (h, w) of every batch SwitchProbeDetector trained on
EVALUATED = []  # epochs (1-based, as counted after training them) that were evaluated


@MODELS.register_module(force=True)
class SwitchProbeDetector(ScheduledValuesMixin, BaseDetector):
    """A one-convolution detector whose loss depends on the pixels, the boxes and ``use_l1``,
    so any change in augmentation, batch size or mode changes the trained weights."""

    def __init__(self, data_preprocessor=None):
        super().__init__(data_preprocessor=data_preprocessor)
        self.conv = nn.Conv2d(3, 2, 3, padding=1)
        self.bn = nn.BatchNorm2d(2)
        self.use_l1 = False

    def scheduled_values(self):
        return ('use_l1',)

    def head_outputs(self, inputs):
        return self.bn(self.conv(inputs / 255.0))

    def loss(self, inputs, data_samples):
        SIZES.append(tuple(inputs.shape[-2:]))
        out = self.head_outputs(inputs).mean((2, 3))  # N x 2
        boxes = torch.stack([s['gt_bboxes'].sum() / 100 for s in data_samples])
        losses = dict(loss_fit=((out[:, 0] - boxes) ** 2).mean())
        losses['loss_l1'] = ((out[:, 1] - boxes).abs().mean() if self.use_l1
                             else out.new_zeros(()))
        return losses

    def predict_boxes(self, inputs, data_samples):
        return [(torch.zeros(0, 4), torch.zeros(0), torch.zeros(0, dtype=torch.int64))
                for _ in data_samples]


@HOOKS.register_module(force=True)
class MixingProbeHook(Hook):
    """Records each iteration's mode into TRACE, and the evaluated epochs; may crash."""

    priority = 'LOWEST'

    def __init__(self, crash_at=None):
        self.crash_at = crash_at

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if runner.iter == self.crash_at:
            raise RuntimeError(f'simulated crash at iteration {self.crash_at}')

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        TRACE.append((runner.epoch, runner.iter, runner.model.use_l1,
                      runner.train_dataloader.dataset.mixing))

    def after_val_epoch(self, runner, metrics=None):
        EVALUATED.append(runner.epoch)


PROBE = "dict(type='SwitchProbeDetector')"
_TINY = 'deepen_factor=0.33, widen_factor=0.125'
TINY_YOLOX = (f"dict(type='YOLOX', backbone=dict(type='CSPDarknet', {_TINY}), "
              f"neck=dict(type='YOLOXPAFPN', {_TINY}), "
              "head=dict(type='YOLOXHead', num_classes=3, widen_factor=0.125))")


def _config(folder, shapes, crash_at=None, no_mix_epochs=2, model=PROBE):
    text = f'''
_root = {str(shapes)!r}
_collate = dict(type='pad_collate', size_divisor=32, pad_value=114)
_source = dict(type='Coco', ann_file=_root + '/train/annotations.json',
               img_root=_root + '/train/images')
model = {model}
model['data_preprocessor'] = dict(
    type='DenseDataPreprocessor', mean=None, std=None, to_bgr=True,
    batch_resize=dict(sizes=[64, 96, 128], interval=2, seed=2))
data = dict(imgs_per_gpu=3, workers_per_gpu=0, train=dict(
    type='MixedImagesDataset', data_source=_source,
    mosaic=dict(img_scale=(64, 64), prob=0.7),
    mosaic_pipeline=[dict(type='RandomAffine', border=(-32, -32), scaling_ratio_range=(0.5, 1.5))],
    mixup=dict(img_scale=(64, 64), prob=0.5),
    max_epochs=4, no_mix_epochs={no_mix_epochs},
    pipeline=[dict(type='RandomHSV'), dict(type='RandomHorizontalFlip'),
              dict(type='Letterbox', size=64), dict(type='FilterBoxes', min_size=1),
              dict(type='PackDetInputs')],
    collate=_collate))
eval_pipelines = [dict(name='val', imgs_per_gpu=3, data=dict(
    type='DetDataset', data_source=_source, collate=_collate,
    pipeline=[dict(type='LoadImage'), dict(type='Letterbox', size=64),
              dict(type='PackDetInputs')]),
    evaluators=[dict(type='CocoDetectionEvaluator')])]
eval_config = dict(interval=2, dynamic_intervals=[(3, 1)])
optimizer = dict(type='SGD', lr=0.05, momentum=0.9, nesterov=True)
lr_config = dict(policy='fixed')
total_epochs = 4
ema = dict(momentum=0.1, gamma=3)
checkpoint_config = dict(interval=1, by_epoch=False, max_keep_ckpts=-1)
log_config = dict(interval=1, hooks=[dict(type='TextLoggerHook')])
custom_hooks = [dict(type='ModeSwitchHook', num_last_epochs=2),
                dict(type='MixingProbeHook', crash_at={crash_at})]
seed = 3
'''
    path = osp.join(folder, f'cfg_{crash_at}_{no_mix_epochs}_{model == PROBE}.py')
    with open(path, 'w') as f:
        f.write(text)
    return path


@pytest.fixture(scope='module')
def shapes(tmp_path_factory):
    import make_shapes_dataset  # tools/ is on sys.path (tests/conftest.py)
    root = tmp_path_factory.mktemp('shapes')
    make_shapes_dataset.main(['--out', str(root), '--num-train', '6', '--num-val', '1'])
    return root


def _last_checkpoint(result):
    return load_checkpoint_file(osp.join(result['work_dir'], 'iter_8.pth'))


@pytest.mark.parametrize('model', [PROBE, TINY_YOLOX], ids=['probe', 'tiny_yolox'])
def test_switch_at_the_configured_epoch_and_exact_resume_on_both_sides(tmp_path, shapes, model):
    TRACE.clear()
    SIZES.clear()
    EVALUATED.clear()
    full = train(_config(str(tmp_path), shapes, model=model), work_dir=str(tmp_path / 'full'))
    reference = list(TRACE)
    assert [row[:2] for row in reference] == [(e, i) for i, e in enumerate(
        [0, 0, 1, 1, 2, 2, 3, 3])]  # 6 images, batch 3
    assert [row[2] for row in reference] == [False] * 4 + [True] * 4  # use_l1: last 2 epochs
    assert [row[3] for row in reference] == [True] * 4 + [False] * 4  # mixing stops with it
    if model == PROBE:
        assert SIZES == [(s, s) for s in (128, 128, 64, 64, 96, 96, 128, 128)]  # multi-scale
    assert EVALUATED == [2, 3, 4]  # every 2 epochs, every epoch from the 3rd on
    expected = _last_checkpoint(full)
    for crash_at in (3, 5):  # mid-epoch 1 (before the switch) and mid-epoch 2 (after)
        work_dir = str(tmp_path / f'crash{crash_at}')
        with pytest.raises(RuntimeError, match='simulated crash'):
            train(_config(str(tmp_path), shapes, crash_at=crash_at, model=model),
                  work_dir=work_dir)
        TRACE.clear()
        SIZES.clear()
        resumed = train(_config(str(tmp_path), shapes, model=model), work_dir=work_dir,
                        resume='auto')
        assert TRACE == reference[crash_at:]  # same epoch, mode and mixing per iteration
        got = _last_checkpoint(resumed)
        for part in ('state_dict', 'ema_state_dict'):
            assert set(got[part]) == set(expected[part])
            for key, value in expected[part].items():
                assert torch.equal(value, got[part][key]), (crash_at, part, key)
        if model != PROBE:
            assert bool(got['ema_state_dict']['module.l1_switch']) is True  # the trained weights'


def test_mismatched_mixing_epochs_are_an_error(tmp_path, shapes):
    with pytest.raises(ValueError, match=r'stops mixing at epoch 3 .*no_mix_epochs=1'):
        train(_config(str(tmp_path), shapes, no_mix_epochs=1), work_dir=str(tmp_path / 'w'))


def test_switch_values_and_declarations():
    hook = ModeSwitchHook(num_last_epochs=15)
    assert hook.switch_epoch(300) == 285 and hook.switch_epoch(10) == 0
    model = SwitchProbeDetector()
    set_model_switch(model, 'use_l1', True)
    assert model.use_l1 is True
    yolox = MODELS.build(eval(TINY_YOLOX))  # noqa: S307 (a literal of this file)
    set_model_switch(yolox, 'use_l1', True)  # stored in a buffer, so in the state dict
    assert yolox.use_l1 is True and yolox.state_dict()['l1_switch'].item() is True
    with pytest.raises(ConfigError) as err:
        set_model_switch(model, 'use_ll', True)
    assert str(err.value) == ("ModeSwitchHook.switches=['use_ll']: SwitchProbeDetector declares "
                              "no switch 'use_ll' (did you mean 'use_l1'?); it declares "
                              "['use_l1'] (scheduled_values()).")
    holder = nn.Module()
    holder.use_l1 = False  # a bool nothing declared: refused, not set
    with pytest.raises(ConfigError, match=r"Module declares no switch 'use_l1'; it declares \[\]"):
        set_model_switch(holder, 'use_l1', True)
    assert holder.use_l1 is False
    with pytest.raises(ConfigError, match='^ModeSwitchHook.num_last_epochs must be an int >= 0, '
                                          'got -1.$'):
        ModeSwitchHook(num_last_epochs=-1)
    with pytest.raises(ConfigError, match="^ModeSwitchHook.switches must be a non-empty list of "
                                          "names, got 'use_l1'.$"):
        ModeSwitchHook(switches='use_l1')


def test_switches_are_checked_before_the_run_starts():
    """A misspelt switch stops the run at ``before_run`` (before weights load or a step), not
    at the epoch where it would first be set."""
    runner = SimpleNamespace(model=SwitchProbeDetector())
    ModeSwitchHook(switches=['use_l1']).before_run(runner)
    with pytest.raises(ConfigError, match=r"^ModeSwitchHook.switches=\['use_l1', 'l1'\]: "
                                          "SwitchProbeDetector declares no switch 'l1'"):
        ModeSwitchHook(switches=['use_l1', 'l1']).before_run(runner)


def test_an_iteration_based_run_may_only_never_switch():
    iteration_run = SimpleNamespace(train_loop=object(), epoch=0, max_epochs=1)
    never = ModeSwitchHook(num_last_epochs=0)
    never.before_train(iteration_run)
    never.before_train_epoch(iteration_run)  # nothing to switch, no model touched
    with pytest.raises(ConfigError, match='^ModeSwitchHook.num_last_epochs=15 counts epochs: '
                                          'train with total_epochs.*num_last_epochs=0'):
        ModeSwitchHook(num_last_epochs=15).before_train(iteration_run)


@pytest.mark.parametrize('pairs', [[(3, 0)], [(3,)], [(5, 1), (4, 2)], [(2.5, 1)], [(0, 1)],
                                   [(-2, 1), (3, 1)], [(-2, 1), (-3, 1)]])
def test_bad_dynamic_intervals_are_named(pairs):
    from mmengine.config import Config

    from easycv_like.engine.build_runner import check_schema
    cfg = Config(dict(model=dict(type='SwitchProbeDetector'), total_epochs=4,
                      data=dict(train=dict(type='DetDataset', data_source=dict(
                          type='Coco', ann_file='a.json', img_root='.'), pipeline=[])),
                      optimizer=dict(type='SGD', lr=0.1),
                      eval_config=dict(interval=2, dynamic_intervals=pairs)))
    with pytest.raises(ValueError, match=r'eval_config\.dynamic_intervals.*milestones increasing'):
        check_schema(cfg)


def test_dynamic_intervals_count_from_the_end_and_past_the_end_is_an_error():
    from easycv_like.engine.build_runner import resolve_dynamic_intervals
    assert resolve_dynamic_intervals([(-15, 1)], 300) == [(286, 1)]
    assert resolve_dynamic_intervals([(100, 5), (-15, 1)], 300) == [(100, 5), (286, 1)]
    assert resolve_dynamic_intervals([(-15, 1)], 2) == [(1, 1)]  # the last 15 of 2: all
    with pytest.raises(ValueError, match=r'\[\(286, 1\)\] start after the run ends \(50\)'):
        resolve_dynamic_intervals([(286, 1)], 50)
    with pytest.raises(ValueError, match='must increase'):
        resolve_dynamic_intervals([(280, 5), (-30, 1)], 300)
