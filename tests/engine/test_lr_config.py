"""Whole schedules of ``lr_config`` against mmcv's formulas, written out here per iteration.

mmcv: ``lr(i) = regular(progress) * warmup(i)`` while ``i < warmup_iters``, else ``regular``;
``progress`` is the epoch (``by_epoch=True``) or the iteration, out of the run's epochs or
iterations.
"""
import math
import warnings

import pytest
import torch
from mmengine.hooks import Hook
from mmengine.optim import OptimWrapper

from easycv_like.apis.config import load_config
from easycv_like.engine.build_runner import apply_overrides, build_runner
from easycv_like.engine.lr_config import lr_config_to_schedulers
from easycv_like.errors import ConfigError
from easycv_like.registry import PARAM_SCHEDULERS

from ..conftest import write_tiny_config

LR = 0.1


def lr_trace(lr_config, total=10, by_epoch=False, epoch_length=None):
    """The learning rate of every iteration, stepped as mmengine's Runner steps it."""
    import easycv_like.engine  # noqa: F401  (registers WarmupPolicyLR)
    param = torch.nn.Parameter(torch.zeros(1))
    wrapper = OptimWrapper(torch.optim.SGD([param], lr=LR))
    schedulers = [PARAM_SCHEDULERS.build(cfg, default_args=dict(optimizer=wrapper,
                                                                 epoch_length=epoch_length))
                  for cfg in lr_config_to_schedulers(lr_config, by_epoch, total)]
    iters = total * (epoch_length or 1) if by_epoch else total
    trace = []
    warnings.filterwarnings('ignore', message='Detected call of')
    for _ in range(iters):
        trace.append(wrapper.param_groups[0]['lr'])
        for s in schedulers:
            s.step()
    return trace


def cosine(p, total, lo=0.0, base=LR):
    return lo + (base - lo) * 0.5 * (1 + math.cos(math.pi * p / total))


def test_step_policy_milestones_periodic_and_floor():
    assert lr_trace(dict(policy='step', step=[3, 6])) == pytest.approx(
        [0.1] * 3 + [0.01] * 3 + [0.001] * 4)
    assert lr_trace(dict(policy='step', step=4, gamma=0.5)) == pytest.approx(
        [0.1] * 4 + [0.05] * 4 + [0.025] * 2)  # an int decays every `step`, as mmcv
    assert lr_trace(dict(policy='step', step=[3, 6], min_lr=0.005)) == pytest.approx(
        [0.1] * 3 + [0.01] * 3 + [0.005] * 4)


def test_cosine_min_lr_and_min_lr_ratio():
    assert lr_trace(dict(policy='CosineAnnealing')) == pytest.approx(
        [cosine(t, 10) for t in range(10)])
    assert lr_trace(dict(policy='CosineAnnealing', min_lr_ratio=0.1)) == pytest.approx(
        [cosine(t, 10, 0.01) for t in range(10)])
    assert lr_trace(dict(policy='CosineAnnealing', min_lr=0.02)) == pytest.approx(
        [cosine(t, 10, 0.02) for t in range(10)])


def test_poly_policy():
    assert lr_trace(dict(policy='poly', power=2.0, min_lr=0.01)) == pytest.approx(
        [0.09 * (1 - t / 10) ** 2 + 0.01 for t in range(10)])


def test_warmups_with_fixed_policy():
    assert lr_trace(dict(warmup='linear', warmup_iters=5, warmup_ratio=0.1)) == pytest.approx(
        [0.1 * (1 - (1 - t / 5) * 0.9) for t in range(5)] + [0.1] * 5)
    assert lr_trace(dict(warmup='constant', warmup_iters=4, warmup_ratio=0.25)) == \
        pytest.approx([0.025] * 4 + [0.1] * 6)
    assert lr_trace(dict(warmup='exp', warmup_iters=5, warmup_ratio=0.01)) == pytest.approx(
        [0.1 * 0.01 ** (1 - t / 5) for t in range(5)] + [0.1] * 5)


@pytest.mark.parametrize('kind,factor', [
    ('constant', lambda t: 0.001),
    ('linear', lambda t: 1 - (1 - t / 6) * (1 - 0.001)),
    ('exp', lambda t: 0.001 ** (1 - t / 6))])
def test_warmup_multiplies_a_policy_with_a_floor(kind, factor):
    """The drifting case: warm-up starting below min_lr, cosine floored at min_lr."""
    trace = lr_trace(dict(policy='CosineAnnealing', min_lr=0.01, warmup=kind, warmup_iters=6,
                          warmup_ratio=0.001), total=20)
    expect = [cosine(t, 20, 0.01) * (factor(t) if t < 6 else 1) for t in range(20)]
    assert trace == pytest.approx(expect)
    assert trace[6] == pytest.approx(cosine(6, 20, 0.01))  # the warm-up ends on the policy


def test_by_epoch_policy_with_iteration_warmup():
    trace = lr_trace(dict(policy='CosineAnnealing', min_lr_ratio=0.1, warmup='linear',
                          warmup_iters=5, warmup_ratio=0.2), total=3, by_epoch=True,
                     epoch_length=4)
    expect = [cosine(i // 4, 3, 0.01) * ((1 - (1 - i / 5) * 0.8) if i < 5 else 1)
              for i in range(12)]
    assert trace == pytest.approx(expect)


def test_by_epoch_false_in_an_epoch_run_spans_all_iterations():
    trace = lr_trace(dict(policy='CosineAnnealing', by_epoch=False), total=3, by_epoch=True,
                     epoch_length=4)
    assert trace == pytest.approx([cosine(i, 12) for i in range(12)])  # not 3 iterations


def test_warmup_by_epoch_counts_epochs():
    trace = lr_trace(dict(policy='step', step=[2], warmup='constant', warmup_iters=1,
                          warmup_by_epoch=True, warmup_ratio=0.5), total=3, by_epoch=True,
                     epoch_length=3)
    assert trace == pytest.approx([0.05] * 3 + [0.1] * 3 + [0.01] * 3)


def test_bad_lr_configs_are_named():
    with pytest.raises(KeyError, match="'cosine'"):
        lr_config_to_schedulers(dict(policy='cosine'), False, 10)
    with pytest.raises(KeyError, match="'min_lr_ration'.*'min_lr_ratio'"):
        lr_config_to_schedulers(dict(policy='CosineAnnealing', min_lr_ration=0.1), False, 10)
    with pytest.raises(KeyError, match="'power' is not used by policy 'step'"):
        lr_config_to_schedulers(dict(policy='step', step=3, power=2), False, 10)
    with pytest.raises(KeyError, match='needs lr_config.step'):
        lr_config_to_schedulers(dict(policy='step'), False, 10)
    with pytest.raises(ValueError, match='total_epochs'):
        lr_trace(dict(policy='CosineAnnealing', by_epoch=True), total=10)



def test_a_warmup_that_does_not_end_before_the_last_iteration_is_refused():
    """A warm-up as long as the run never reaches the base rate: refused, in iterations."""
    with pytest.raises(ConfigError) as err:
        lr_trace(dict(policy='CosineAnnealing', warmup='linear', warmup_iters=10), total=3)
    assert str(err.value) == (
        'lr_config.warmup_iters=10 reaches iteration 10, but the run has only 3 iterations, so '
        'the learning rate would never reach its base value (optimizer.lr). Lower '
        'lr_config.warmup_iters or train longer (total_epochs / total_iters).')
    with pytest.raises(ConfigError, match=r'^lr_config.warmup_iters=2 epochs \(warmup_by_epoch='
                                          r'True\) reaches iteration 6, but the run has only 6 '):
        lr_trace(dict(warmup='linear', warmup_iters=2, warmup_by_epoch=True), total=2,
                 by_epoch=True, epoch_length=3)
    assert lr_trace(dict(warmup='constant', warmup_iters=2, warmup_ratio=0.5), total=3) == \
        pytest.approx([0.05, 0.05, 0.1])  # ends before the last iteration: accepted


def test_a_too_long_warmup_stops_the_run_before_its_first_step(tmp_path, tiny_digits):
    extra = ("lr_config = dict(_delete_=True, policy='CosineAnnealing', warmup='linear', "
             "warmup_iters=16)")  # the run: 2 epochs x 8 iterations
    cfg = apply_overrides(load_config(write_tiny_config(str(tmp_path), tiny_digits, extra=extra)),
                          str(tmp_path / 'work'))
    cfg.eval_pipelines = []
    runner = build_runner(cfg)
    hook = _RecordLR()
    runner.register_hook(hook)
    with pytest.raises(ConfigError, match='warmup_iters=16 reaches iteration 16, but the run '
                                          'has only 16 iterations'):
        runner.train()
    assert hook.lrs == []

class _RecordLR(Hook):
    def __init__(self):
        self.lrs = []

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        self.lrs.append(runner.optim_wrapper.param_groups[0]['lr'])


@pytest.mark.parametrize('by_epoch', [True, False])
def test_a_whole_training_run_follows_the_formula(tmp_path, tiny_digits, by_epoch):
    lr_cfg = (f"lr_config = dict(_delete_=True, policy='CosineAnnealing', min_lr=0.02, "
              f"by_epoch={by_epoch}, warmup='constant', warmup_iters=3, warmup_ratio=0.01)")
    config = write_tiny_config(str(tmp_path), tiny_digits, extra=lr_cfg)
    cfg = apply_overrides(load_config(config), str(tmp_path / 'work'))
    cfg.eval_pipelines = []
    base = cfg.optimizer.lr
    runner = build_runner(cfg)
    hook = _RecordLR()
    runner.register_hook(hook)
    runner.train()
    iters = len(hook.lrs)  # 2 epochs x 8 iterations
    assert iters == 16
    progress = [i // 8 for i in range(iters)] if by_epoch else list(range(iters))
    total = 2 if by_epoch else iters
    expect = [cosine(p, total, 0.02, base) * (0.01 if i < 3 else 1)
              for i, p in enumerate(progress)]
    assert hook.lrs == pytest.approx(expect)


def test_an_iteration_run_follows_the_schedule_to_its_end(tmp_path, tiny_digits):
    """mmengine ends a scheduler that does not say ``by_epoch=False`` at ``max_epochs``, which is
    1 in an iteration-based run: the rate used to freeze after the first iteration."""
    extra = ("lr_config = dict(_delete_=True, policy='CosineAnnealing', min_lr_ratio=0.5)\n"
             'total_epochs = None\ntotal_iters = 4')
    cfg = apply_overrides(load_config(write_tiny_config(str(tmp_path), tiny_digits, extra)),
                          str(tmp_path / 'work'))
    cfg.eval_pipelines = []
    base = cfg.optimizer.lr
    runner = build_runner(cfg)
    hook = _RecordLR()
    runner.register_hook(hook)
    runner.train()
    assert hook.lrs == pytest.approx([cosine(t, 4, base / 2, base) for t in range(4)])
