"""custom_hooks that would duplicate a hook the engine builds from a config key are refused."""
import pytest

from easycv_like.engine.build_runner import check_schema
from easycv_like.engine.config_schema import ConfigError
from easycv_like.engine.hooks.checkpoint_hook import CheckpointHook

from .test_config_schema import _cfg


class MyCheckpointHook(CheckpointHook):
    """A user's subclass is still a second checkpoint hook."""


@pytest.mark.parametrize('hook,named', [
    # a second ParamSchedulerHook stepped the schedule twice per iteration: step=[2] decayed at 1
    (dict(type='ParamSchedulerHook'), 'lr_config'),
    (dict(type='CheckpointHook', interval=1), 'checkpoint_config'),
    (dict(type=MyCheckpointHook), 'checkpoint_config'),
    (dict(type='mmengine.LoggerHook', interval=1), 'log_config'),
    (dict(type='InitialEvalHook'), 'eval_config.initial'),
    (dict(type='RNGStateHook'), 'in every run'),
    (dict(type='IterTimerHook'), 'in every run'),
])
def test_hook_the_engine_builds_is_refused(hook, named):
    with pytest.raises(ConfigError) as err:
        check_schema(_cfg(custom_hooks=[dict(type='EmptyCacheHook'), hook]))
    assert str(err.value).startswith('custom_hooks[1] (type ')
    assert named in str(err.value) and 'Remove it from custom_hooks' in str(err.value)


def test_ema_hook_only_conflicts_with_the_ema_key():
    assert check_schema(_cfg(custom_hooks=[dict(type='EMAHook')])).custom_hooks == [
        dict(type='EMAHook')]
    with pytest.raises(ConfigError, match=r'custom_hooks\[0\] \(type EMAHook\).* from ema;'):
        check_schema(_cfg(ema=dict(), custom_hooks=[dict(type='EMAHook')]))


def test_other_hooks_pass():
    cfg = check_schema(_cfg(custom_hooks=[dict(type='EmptyCacheHook', after_epoch=True),
                                          dict(type='SyncBuffersHook')]))
    assert [h['type'] for h in cfg.custom_hooks] == ['EmptyCacheHook', 'SyncBuffersHook']
