"""Keep checkpoints loadable with ``torch.load(weights_only=True)``.

mmengine stores its message hub (HistoryBuffer objects, numpy values) in every checkpoint; those
need arbitrary unpickling. Allow-listing them would reopen code execution, so this hook turns
them into plain lists and numbers before a save and rebuilds them after a load. It also stores
the resolved config as a plain dict (``meta['config_dict']``), so that a checkpoint alone rebuilds
its model without executing the config's Python text, and drops mmengine's config text
(``meta['cfg']``): checkpoints carry no code.
"""
import numpy as np
from mmengine.hooks import Hook
from mmengine.logging import HistoryBuffer

from ...registry import HOOKS
from ...utils.checkpoint import strip_config_text

_BUFFER_TAG = '__history_buffer__'


def to_plain(value):
    """Recursively turn numpy values into Python numbers/lists; keep tensors and plain types."""
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(to_plain(v) for v in value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _buffer_to_plain(buffer: HistoryBuffer) -> dict:
    logs, counts = buffer.data
    return {_BUFFER_TAG: True, 'log_history': logs.tolist(), 'count_history': counts.tolist(),
            'max_length': buffer.max_length}


def _buffer_from_plain(state: dict) -> HistoryBuffer:
    return HistoryBuffer(state['log_history'], state['count_history'], state['max_length'])


@HOOKS.register_module()
class PlainStateHook(Hook):
    """Before a save: message hub and meta become plain values. After a load: rebuilt."""

    priority = 'VERY_LOW'

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        hub = checkpoint.get('message_hub')
        if hub is not None:
            hub['log_scalars'] = {
                key: _buffer_to_plain(buf) if isinstance(buf, HistoryBuffer) else to_plain(buf)
                for key, buf in hub.get('log_scalars', {}).items()}
            hub['runtime_info'] = to_plain(hub.get('runtime_info', {}))
        meta = checkpoint.setdefault('meta', {})
        meta['config_dict'] = runner.cfg.to_dict()
        checkpoint['meta'] = to_plain(meta)
        strip_config_text(checkpoint)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        hub = checkpoint.get('message_hub')
        if hub is None:
            return
        hub['log_scalars'] = {
            key: _buffer_from_plain(v) if isinstance(v, dict) and v.get(_BUFFER_TAG) else v
            for key, v in hub.get('log_scalars', {}).items()}
