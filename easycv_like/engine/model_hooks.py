"""Hooks a model needs, whatever the config lists: one ``MomentumUpdateHook`` for any model with
momentum pairs (a MoCo config without it would otherwise train with a frozen key encoder), and
an error for a hook a model declares in ``required_hooks()`` that the config does not list (a
YOLOX config without ``ModeSwitchHook`` would never switch its L1 loss on)."""
from typing import Dict, List, Union

from mmengine.hooks import Hook
from torch import nn

from ..errors import ConfigError
from ..registry import SCOPE

MOMENTUM_HOOK = 'MomentumUpdateHook'


def _hook_name(hook: Union[dict, Hook]) -> str:
    if isinstance(hook, Hook):
        return type(hook).__name__
    kind = hook.get('type')
    name = kind if isinstance(kind, str) else getattr(kind, '__name__', '')
    return name.rsplit('.', 1)[-1]


def add_model_hooks(hooks: List[Union[dict, Hook]], model: nn.Module) -> List[Union[dict, Hook]]:
    """``hooks`` plus a ``MomentumUpdateHook`` when ``model`` declares momentum pairs.

    A config that lists the hook itself keeps its own entry (its priority) and gets no second
    one; listing it twice is an error, since every momentum copy would be updated twice.
    """
    _check_required_hooks(hooks, model)
    listed = [h for h in hooks if _hook_name(h) == MOMENTUM_HOOK]
    if len(listed) > 1:
        raise ConfigError(f'custom_hooks lists {MOMENTUM_HOOK} {len(listed)} times: the '
                          'momentum copies would be updated more than once per step.')
    pairs = getattr(model, 'momentum_pairs', None)
    if listed or pairs is None or not pairs():
        return list(hooks)
    return list(hooks) + [dict(type=f'{SCOPE}.{MOMENTUM_HOOK}')]


def _check_required_hooks(hooks: List[Union[dict, Hook]], model: nn.Module) -> None:
    """Raise naming each hook of ``model.required_hooks()`` (name -> why) missing from hooks;
    these take arguments only the config knows (epochs), so they are not added silently."""
    required: Dict[str, str] = getattr(model, 'required_hooks', dict)()
    names = {_hook_name(h) for h in hooks}
    missing = [f'{name} ({why})' for name, why in required.items() if name not in names]
    if missing:
        raise ConfigError(f'{type(model).__name__} needs custom_hooks entries the config does not '
                          f'list: {"; ".join(missing)}.')
