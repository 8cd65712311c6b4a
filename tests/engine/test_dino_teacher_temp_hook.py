"""DINOTeacherTempHook: linear warm-up of the teacher temperature, counted in iterations."""
from types import SimpleNamespace

import pytest
from mmengine.logging import MessageHub
from torch import nn

from easycv_like.engine.hooks import DINOTeacherTempHook
from easycv_like.errors import ConfigError
from easycv_like.models.selfsup.scheduled_values import ScheduledValuesMixin
from easycv_like.registry import HOOKS


class _DINOLike(ScheduledValuesMixin, nn.Module):
    def scheduled_values(self):
        return ('head.teacher_temp',)


def _runner(it, iters_per_epoch=10, max_iters=2000):
    model = _DINOLike()
    model.head = nn.Module()
    return SimpleNamespace(model=model, iter=it, train_dataloader=range(iters_per_epoch),
                           max_iters=max_iters,
                           message_hub=MessageHub.get_instance('test_teacher_temp'))


@pytest.mark.parametrize('it, expected', [(0, 0.04), (75, 0.055), (150, 0.07), (151, 0.07),
                                          (1000, 0.07)])
def test_scheduled_values_from_epochs(it, expected):
    hook = HOOKS.build(dict(type='DINOTeacherTempHook', start_temp=0.04, end_temp=0.07,
                            warmup_epochs=30))
    runner = _runner(it, iters_per_epoch=5)  # warm-up = 30 * 5 = 150 iterations
    hook.before_train(runner)
    hook.before_train_iter(runner, batch_idx=0)
    assert runner.model.head.teacher_temp == pytest.approx(expected)
    assert runner.message_hub.get_scalar('train/teacher_temp').current() == pytest.approx(
        expected)


def test_warmup_iters_overrides_epochs_and_zero_means_constant():
    hook = DINOTeacherTempHook(warmup_epochs=30, warmup_iters=4)
    hook.before_train(_runner(0))
    assert hook.temperature(1) == pytest.approx(0.0475)
    assert hook.temperature(4) == pytest.approx(0.07)
    assert DINOTeacherTempHook(warmup_iters=0).temperature(0) == pytest.approx(0.07)


def test_a_warmup_as_long_as_the_run_is_an_error():
    """The recipe's 30 epochs in a 3-iteration run: end_temp would never be used."""
    with pytest.raises(ConfigError, match=r'DINOTeacherTempHook: warmup_epochs reaches iteration '
                                          r'150, but the run has only 3 iterations.*end_temp'):
        DINOTeacherTempHook(warmup_epochs=30).before_train(_runner(0, 5, max_iters=3))
    with pytest.raises(ConfigError, match=r'warmup_iters reaches iteration 3, but the run has '
                                          r'only 3 iterations'):
        DINOTeacherTempHook(warmup_iters=3).before_train(_runner(0, 5, max_iters=3))
    hook = DINOTeacherTempHook(warmup_iters=2)
    hook.before_train(_runner(0, 5, max_iters=3))  # the last iteration uses end_temp
    assert hook.temperature(2) == pytest.approx(0.07)


def test_a_model_without_the_declared_value_is_an_error():
    runner = _runner(0)
    runner.model = ScheduledValuesMixin()
    hook = DINOTeacherTempHook(warmup_iters=4)
    hook.before_train(runner)
    with pytest.raises(AttributeError, match="no scheduled value 'head.teacher_temp'"):
        hook.before_train_iter(runner, batch_idx=0)
