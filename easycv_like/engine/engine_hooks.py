"""``custom_hooks`` may not list a hook the engine already builds from a config key: a second
``ParamSchedulerHook`` steps every schedule twice per iteration (a step decay at iteration 2
came at iteration 1), a second ``CheckpointHook`` saves at its own interval beside
``checkpoint_config``'s. Either silently changes the run, so each is an error naming the key
that configures the hook."""
from typing import Optional

from mmengine.config import Config
from mmengine.hooks import (CheckpointHook, DistSamplerSeedHook, EMAHook, IterTimerHook,
                            LoggerHook, ParamSchedulerHook, RuntimeInfoHook)

from ..errors import ConfigError
from ..registry import HOOKS
from .config_schema.type_args import resolve
from .hooks.class_count_check_hook import ClassCountCheckHook
from .hooks.epoch_length_check_hook import EpochLengthCheckHook
from .hooks.initial_eval_hook import InitialEvalHook
from .hooks.plain_state_hook import PlainStateHook
from .hooks.preemption_hook import PreemptionHook
from .hooks.rng_state_hook import RNGStateHook
from .hooks.weight_load_hook import WeightLoadHook

ALWAYS = 'in every run'
# hook class (subclasses included) -> where the engine's own copy comes from
ENGINE_HOOKS = (
    (ParamSchedulerHook, 'from lr_config and weight_decay_config'),
    (CheckpointHook, 'from checkpoint_config and eval_config.save_best'),
    (LoggerHook, 'from log_config'),
    (IterTimerHook, ALWAYS),
    (DistSamplerSeedHook, ALWAYS),
    (RuntimeInfoHook, ALWAYS),
    (PlainStateHook, ALWAYS),
    (RNGStateHook, ALWAYS),
    (PreemptionHook, ALWAYS),
    (ClassCountCheckHook, ALWAYS),
    (EpochLengthCheckHook, ALWAYS),
    (InitialEvalHook, 'from eval_config.initial=True'),
    (WeightLoadHook, 'from load_from / load_cfg / resume_from'),
)


def _configured_by(cls: type, cfg: Config) -> Optional[str]:
    """Where the engine's own hook of ``cls`` comes from, or None when it adds none."""
    if issubclass(cls, EMAHook):
        return 'from ema' if cfg.get('ema') is not None else None
    return next((key for base, key in ENGINE_HOOKS if issubclass(cls, base)), None)


def check_custom_hooks(cfg: Config) -> None:
    """Raise ``ConfigError`` for a ``custom_hooks`` entry that would be a second copy of a hook
    the engine builds (naming the entry, its class and the config key to use instead)."""
    for i, hook in enumerate(cfg.get('custom_hooks') or []):
        path = f'custom_hooks[{i}]'
        cls = resolve(HOOKS, hook.get('type'), path)
        if not isinstance(cls, type):
            continue
        key = _configured_by(cls, cfg)
        if key is not None:
            raise ConfigError(f'{path} (type {cls.__name__}): the engine builds this hook itself '
                              f'{key}; a second one would act twice. Remove it from '
                              'custom_hooks.')
