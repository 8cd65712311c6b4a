"""The top-level ``num_last_epochs`` (``engine/last_epochs.py``): written once, it sets the YOLOX
LR policy, ``ModeSwitchHook`` and the mixed training set; a part saying otherwise is an error
naming it; the shipped YOLOX configs resolve to exactly the values they wrote out before."""
import glob
import os.path as osp

import pytest
from mmengine.config import Config

from easycv_like.apis.config import load_config
from easycv_like.engine.build_runner import apply_overrides, build_runner, check_schema
from easycv_like.engine.config_schema import ConfigError
from easycv_like.engine.hooks import ModeSwitchHook
from easycv_like.registry import HOOKS

from ..configs.fake_datasets import make_shapes
from ..conftest import REPO
from .test_lr_config import lr_trace

DEMO = osp.join(REPO, 'configs', 'detection', 'demo', 'yolox_nano_shapes.py')
COCO = sorted(glob.glob(osp.join(REPO, 'configs', 'detection', 'yolox', '*.py')))
# (total_epochs, last epochs, warm-up epochs, sum of the LR over the run at 3 iterations an
# epoch and base LR 0.1): the values of the configs when they wrote the last epochs out in
# lr_config, ModeSwitchHook and data.train (max_epochs, no_mix_epochs) themselves
BEFORE = {DEMO: (120, 20, 2, 15.940277777777826),
          **{path: (300, 15, 5, 44.828611111111194) for path in COCO}}


def _resolved(path, **options):
    cfg = load_config(path)
    cfg.merge_from_dict(options)
    return check_schema(cfg)


def _switch(cfg) -> ModeSwitchHook:
    hook, = [h for h in cfg.custom_hooks if h['type'] == 'ModeSwitchHook']
    return HOOKS.build(hook)


@pytest.mark.parametrize('path', sorted(BEFORE), ids=osp.basename)
def test_shipped_configs_resolve_to_their_former_values(path):
    epochs, last, warmup, lr_sum = BEFORE[path]
    cfg = _resolved(path)
    assert cfg.lr_config == dict(policy='YOLOX', warmup='quadratic', warmup_by_epoch=True,
                                 warmup_iters=warmup, warmup_ratio=0.0, num_last_epochs=last,
                                 min_lr_ratio=0.05, by_epoch=False)
    assert (cfg.data.train.max_epochs, cfg.data.train.no_mix_epochs) == (epochs, last)
    assert _switch(cfg).switch_epoch(cfg.total_epochs) == epochs - last
    trace = lr_trace(cfg.lr_config, total=epochs, by_epoch=True, epoch_length=3)
    assert sum(trace) == pytest.approx(lr_sum, rel=1e-12)
    assert trace[3 * (epochs - last) - 1] > 0.005  # the floor is reached at the last epochs
    assert trace[3 * (epochs - last):] == pytest.approx([0.005] * 3 * last, rel=1e-12)


def test_one_key_sets_all_three_parts():
    cfg = _resolved(DEMO, num_last_epochs=10, total_epochs=50)
    assert cfg.lr_config.num_last_epochs == 10 and cfg.custom_hooks[0]['num_last_epochs'] == 10
    assert (cfg.data.train.max_epochs, cfg.data.train.no_mix_epochs) == (50, 10)
    assert _switch(cfg).switch_epoch(50) == 40
    trace = lr_trace(cfg.lr_config, total=50, by_epoch=True, epoch_length=3)
    assert trace[119] > 0.005 and trace[120:] == pytest.approx([0.005] * 30)


def test_a_part_that_agrees_is_accepted():
    cfg = _resolved(DEMO, **{'lr_config.num_last_epochs': 20, 'data.train.no_mix_epochs': 20,
                             'data.train.max_epochs': 120, 'custom_hooks.0.num_last_epochs': 20})
    assert _switch(cfg).switch_epoch(120) == 100


@pytest.mark.parametrize('key, value, source', [
    ('custom_hooks.0.num_last_epochs', 10, r'custom_hooks\[0\].num_last_epochs=10 disagrees '
                                           r'with num_last_epochs=20'),
    ('lr_config.num_last_epochs', 10, 'lr_config.num_last_epochs=10 disagrees with '
                                      'num_last_epochs=20'),
    ('data.train.no_mix_epochs', 10, 'data.train.no_mix_epochs=10 disagrees with '
                                     'num_last_epochs=20'),
    ('data.train.max_epochs', 100, 'data.train.max_epochs=100 disagrees with total_epochs=120'),
])
def test_a_part_that_disagrees_is_an_error_naming_it(key, value, source):
    with pytest.raises(ConfigError, match=source):
        _resolved(DEMO, **{key: value})


def test_set_where_nothing_uses_it_or_without_epochs(tiny_config):
    with pytest.raises(ConfigError, match='num_last_epochs=3 is set but nothing uses it'):
        _resolved(tiny_config, num_last_epochs=3)
    with pytest.raises(ConfigError, match='num_last_epochs=3 counts epochs'):
        _resolved(DEMO, num_last_epochs=3, total_epochs=None, total_iters=100)


def test_without_the_key_each_part_keeps_its_own_value():
    cfg = check_schema(Config(dict(
        model=dict(type='YOLOX'), total_epochs=8, optimizer=dict(type='SGD', lr=0.1),
        data=dict(train=dict(type='MixedImagesDataset', data_source=dict(type='Coco'),
                             pipeline=[], no_mix_epochs=2)),
        custom_hooks=[dict(type='ModeSwitchHook', num_last_epochs=2)])))
    assert (cfg.data.train.max_epochs, cfg.data.train.no_mix_epochs) == (8, 2)
    assert _switch(cfg).num_last_epochs == 2


def test_the_built_demo_runner_gets_the_former_values(tmp_path, monkeypatch):
    """The Runner the demo builds: its training set stops mixing, its ModeSwitchHook switches
    and its LR scheduler reaches the floor at epoch 100 of 120, as before."""
    monkeypatch.chdir(tmp_path)
    make_shapes(str(tmp_path))
    cfg = load_config(DEMO)
    cfg.merge_from_dict({'data.workers_per_gpu': 0})
    runner = build_runner(apply_overrides(cfg, str(tmp_path / 'work')))
    dataset = runner.train_dataloader.dataset
    assert dataset.max_epochs - dataset.no_mix_epochs == 100
    switch, = [h for h in runner.hooks if isinstance(h, ModeSwitchHook)]
    assert switch.switch_epoch(runner.max_epochs) == 100
    scheduler, = runner.param_schedulers
    assert scheduler['num_last_epochs'] == 20 and scheduler['run_length'] == 120
