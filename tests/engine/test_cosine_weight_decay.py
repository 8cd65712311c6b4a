"""CosineWeightDecay: cosine weight decay on the groups that have weight decay (mmengine's
parameter scheduler on ``weight_decay``), its config key, its log and an exact resume."""
import math
import shutil
import warnings

import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper

from easycv_like.apis.config import load_config
from easycv_like.engine.build_runner import apply_overrides, build_runner, check_schema
from easycv_like.engine.resume_config_check import differing_keys
from easycv_like.engine.weight_decay_config import weight_decay_schedulers
from easycv_like.registry import PARAM_SCHEDULERS
from easycv_like.utils.checkpoint import load_checkpoint_file

from ..conftest import write_tiny_config


def _scheduled(it, max_iters=100, wd=0.04, end_wd=0.4):
    """The optimizer after the scheduler stepped ``it`` times (the value of iteration ``it``)."""
    import easycv_like.engine  # noqa: F401  (registers CosineWeightDecay)
    params = [torch.nn.Parameter(torch.zeros(2)) for _ in range(3)]
    optimizer = torch.optim.AdamW([{'params': [params[0]]},
                                   {'params': [params[1]], 'weight_decay': 0.0},
                                   {'params': [params[2]], 'weight_decay': wd / 2}],
                                  lr=0.1, weight_decay=wd)
    wrapper = OptimWrapper(optimizer)
    MessageHub.get_instance('test_wd_schedule')  # the current hub the scheduler logs into
    cfg, = weight_decay_schedulers(dict(end_wd=end_wd), False, max_iters)
    scheduler = PARAM_SCHEDULERS.build(cfg, default_args=dict(optimizer=wrapper))
    warnings.filterwarnings('ignore', message='Detected call of')
    for _ in range(it):
        scheduler.step()
    return wrapper, scheduler


@pytest.mark.parametrize('it', [0, 25, 50, 99])
def test_cosine_values_per_group(it):
    wrapper, _ = _scheduled(it)
    expected = 0.4 + (0.04 - 0.4) * (1 + math.cos(math.pi * it / 100)) / 2
    groups = wrapper.optimizer.param_groups
    assert groups[0]['weight_decay'] == pytest.approx(expected)
    assert groups[1]['weight_decay'] == 0.0  # no decay stays no decay
    assert groups[2]['weight_decay'] == pytest.approx(expected / 2)  # keeps its ratio
    assert MessageHub.get_current_instance().get_scalar('train/weight_decay').current() == \
        pytest.approx(expected)


def test_known_points_and_repeated_calls():
    wrapper, scheduler = _scheduled(0)
    assert wrapper.optimizer.param_groups[0]['weight_decay'] == pytest.approx(0.04)
    for _ in range(50):  # the cosine midpoint, after steps that changed the groups
        scheduler.step()
    groups = wrapper.optimizer.param_groups
    assert groups[0]['weight_decay'] == pytest.approx(0.22)
    assert groups[2]['weight_decay'] == pytest.approx(0.11)
    assert groups[0]['initial_weight_decay'] == pytest.approx(0.04)


def test_needs_weight_decay():
    with pytest.raises(ValueError, match='weight_decay > 0'):
        _scheduled(0, wd=0.0)


def _base_cfg(**extra):
    data = dict(train=dict(type='ClsDataset', data_source=dict(type='ImageList', list_file='x'),
                           pipeline=[]))
    return Config(dict(dict(model=dict(type='Classification'), data=data, total_epochs=1,
                            optimizer=dict(type='AdamW', lr=0.1, weight_decay=0.04)), **extra))


def test_the_removed_hooks_spelling_still_works_and_is_named():
    cfg = check_schema(_base_cfg(custom_hooks=[
        dict(type='DINOTeacherTempHook'), dict(type='WeightDecayScheduleHook', end_wd=0.3)]))
    assert cfg.weight_decay_config == dict(end_wd=0.3)
    assert [h['type'] for h in cfg.custom_hooks] == ['DINOTeacherTempHook']
    with pytest.raises(KeyError, match='asked for twice'):
        check_schema(_base_cfg(weight_decay_config=dict(end_wd=0.3),
                               custom_hooks=[dict(type='WeightDecayScheduleHook')]))
    with pytest.raises(KeyError, match=r"unknown keys \['end'\]"):
        check_schema(_base_cfg(custom_hooks=[dict(type='WeightDecayScheduleHook', end=0.3)]))
    with pytest.raises(KeyError, match='optimizer.weight_decay: set it > 0'):
        check_schema(_base_cfg(weight_decay_config=dict(end_wd=0.3),
                               optimizer=dict(type='SGD', lr=0.1)))


def test_epoch_runs_convert_to_iterations():
    cfg, = weight_decay_schedulers(dict(end_wd=0.4), True, 3)
    assert cfg == dict(type='easycv_like.CosineWeightDecay', end_wd=0.4, T_max=3, begin=0,
                       end=3, by_epoch=True, convert_to_iter_based=True)


class _RecordWD(Hook):
    """(iteration, group 0's weight decay, the logged train/weight_decay) of every iteration."""

    def __init__(self):
        self.rows = []

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        logged = runner.message_hub.get_scalar('train/weight_decay').current()
        self.rows.append((runner.iter, runner.optim_wrapper.param_groups[0]['weight_decay'],
                          logged))


def _run(tmp_path, tiny_digits, name, resume=None):
    extra = ("weight_decay_config = dict(end_wd=0.2)\n"
             "optimizer = dict(weight_decay=0.01)\n"
             'total_epochs = None\ntotal_iters = 6\n'
             'checkpoint_config = dict(interval=3)')
    cfg = apply_overrides(load_config(write_tiny_config(str(tmp_path), tiny_digits, extra)),
                          str(tmp_path / name), resume=resume)
    cfg.eval_pipelines = []
    runner = build_runner(cfg)
    record = _RecordWD()
    runner.register_hook(record, priority='BELOW_NORMAL')  # before the scheduler steps
    runner.train()
    return runner, record.rows


def test_a_run_logs_the_schedule_and_resumes_it_exactly(tmp_path, tiny_digits):
    runner, rows = _run(tmp_path, tiny_digits, 'full')
    expected = [0.2 + (0.01 - 0.2) * (1 + math.cos(math.pi * i / 6)) / 2 for i in range(6)]
    assert [r[0] for r in rows] == list(range(6))
    assert [r[1] for r in rows] == pytest.approx(expected)  # the weight decay each step used
    assert [r[2] for r in rows] == pytest.approx(expected)  # and the logged value
    ckpt = load_checkpoint_file(str(tmp_path / 'full' / 'iter_3.pth'))
    states = {s.get('param_name', 'lr'): s for s in ckpt['param_schedulers']}
    assert states['weight_decay']['last_step'] == 3

    (tmp_path / 'resumed').mkdir()
    shutil.copy(tmp_path / 'full' / 'iter_3.pth', tmp_path / 'resumed' / 'iter_3.pth')
    _, resumed = _run(tmp_path, tiny_digits, 'resumed',
                      resume=str(tmp_path / 'resumed' / 'iter_3.pth'))
    assert resumed == rows[3:]  # bit-exact: the scheduler and the groups come back
    final = load_checkpoint_file(str(tmp_path / 'resumed' / 'iter_6.pth'))
    full = load_checkpoint_file(str(tmp_path / 'full' / 'iter_6.pth'))
    assert final['param_schedulers'] == full['param_schedulers']
    for key, value in full['state_dict'].items():
        assert torch.equal(value, final['state_dict'][key]), key


def test_a_resume_with_another_schedule_or_scaling_is_refused():
    """The checkpoint's scheduler state would silently override a changed ``end_wd`` (and the
    saved rates a changed ``auto_scale_lr``); a checkpoint written with the removed hook holds
    no weight-decay scheduler state to resume."""
    saved = dict(weight_decay_config=dict(end_wd=0.4), auto_scale_lr=dict(base_batch_size=64))
    assert differing_keys(saved, dict(weight_decay_config=dict(end_wd=0.3),
                                      auto_scale_lr=dict(base_batch_size=64))) == [
        'weight_decay_config.end_wd: 0.4 -> 0.3']
    assert differing_keys(dict(custom_hooks=[dict(type='WeightDecayScheduleHook')]),
                          dict(weight_decay_config=dict(end_wd=0.4))) == [
        "weight_decay_config.end_wd: '<absent>' -> 0.4"]
    assert differing_keys(saved, dict(saved, auto_scale_lr=dict(base_batch_size=32))) == [
        'auto_scale_lr.base_batch_size: 64 -> 32']
