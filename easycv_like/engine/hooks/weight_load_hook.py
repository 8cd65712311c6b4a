"""Route the Runner's weight loads (``load_from``, resume) through ``load_weights``'s report."""
from typing import List, Optional, Sequence

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from ...errors import ConfigError
from ...registry import HOOKS, SCOPE
from ...utils.weight_loading import load_weights

LOAD_CFG_KEYS = ('prefix', 'container', 'exclude', 'min_match', 'strict')


@HOOKS.register_module()
class WeightLoadHook(Hook):
    """Load the file the Runner just read with ``load_weights`` (key report; every weight of
    the model must be found unless ``exclude`` / ``min_match`` say otherwise).

    mmengine loads ``load_from`` with ``strict=False`` and only warns; this hook runs last in
    ``after_load_checkpoint``, loads the weights itself and hands the Runner the model's own
    state, so the Runner's load that follows changes nothing. A resume is loaded strictly.

    Args:
        checkpoint: the file name, for the report.
        prefix, container, exclude, min_match, strict: as for ``load_weights``.
    """

    priority = 'LOWEST'

    def __init__(self, checkpoint: str, prefix: Optional[str] = None,
                 container: Optional[str] = None, exclude: Sequence[str] = (),
                 min_match: float = 1.0, strict: bool = False) -> None:
        self.checkpoint = checkpoint
        self.options = dict(prefix=prefix, container=container, exclude=exclude,
                            min_match=min_match, strict=strict)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        load_weights(model, checkpoint, source=self.checkpoint, **self.options)
        checkpoint['state_dict'] = model.state_dict()


def weight_load_hooks(load_from: Optional[str], resume: bool,
                      load_cfg: Optional[dict]) -> List[dict]:
    """The hook config for a Runner given ``load_from`` (the file it will read, if any).

    ``load_cfg`` (config key) sets ``prefix`` / ``container`` / ``exclude`` / ``min_match`` /
    ``strict`` of a ``load_from``; a resume is always strict and ignores it.
    """
    load_cfg = dict(load_cfg or {})
    unknown = sorted(set(load_cfg) - set(LOAD_CFG_KEYS))
    if unknown:
        raise ConfigError(f'Unknown load_cfg key(s) {unknown}; known: {list(LOAD_CFG_KEYS)}.')
    if not load_from:
        return []
    options = dict(strict=True, min_match=1.0) if resume else load_cfg
    return [dict(type=f'{SCOPE}.WeightLoadHook', checkpoint=str(load_from), **options)]
