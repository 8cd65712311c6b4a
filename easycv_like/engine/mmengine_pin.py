"""The mmengine internals our loops and checkpoint hook copy or override, pinned by version and by
a fingerprint of their source.

``ResumableIterBasedTrainLoop.run`` repeats ``IterBasedTrainLoop.run`` and builds mmengine's
private ``_InfiniteDataloaderIterator``; ``ResumableEpochBasedTrainLoop.run_epoch`` repeats
``EpochBasedTrainLoop.run_epoch``; our ``CheckpointHook`` overrides the private
``_save_checkpoint`` / ``_save_checkpoint_with_step`` and repeats their ``keep_ckpt_ids``
bookkeeping. requirements/runtime.txt pins ``mmengine==0.10.7``; :func:`changed_internals`
(run by tests/engine/test_mmengine_pin.py) names every one of them whose source differs from
the version our copies were written against, so an mmengine upgrade fails a test instead of
silently diverging.
"""
import hashlib
import importlib
import inspect
from typing import Dict, List

import mmengine

TESTED_MMENGINE = '0.10.7'

# 'module:qualified name' -> first 16 hex digits of sha256 of its source in TESTED_MMENGINE
FINGERPRINTS: Dict[str, str] = {
    'mmengine.runner.loops:IterBasedTrainLoop.run': 'f5de0b5cf6e25e3b',
    'mmengine.runner.loops:EpochBasedTrainLoop.run_epoch': '5a9b993c3e9727d4',
    'mmengine.runner.loops:_InfiniteDataloaderIterator': 'e43515e544958c3b',
    'mmengine.hooks.checkpoint_hook:CheckpointHook._save_checkpoint': 'ec62a0a4f987522f',
    'mmengine.hooks.checkpoint_hook:CheckpointHook._save_checkpoint_with_step':
        'cdbc1b54c7c88d95',
    'mmengine.hooks.checkpoint_hook:CheckpointHook.after_val_epoch': '33bfcf2694855d0b',
}


def source_fingerprint(target: str) -> str:
    """The fingerprint of ``'module:Qualified.name'`` as installed (AttributeError if gone)."""
    module, qualname = target.split(':')
    obj = importlib.import_module(module)
    for part in qualname.split('.'):
        obj = getattr(obj, part)
    return hashlib.sha256(inspect.getsource(obj).encode()).hexdigest()[:16]


def changed_internals() -> List[str]:
    """Every pinned internal that is missing or differs from ``TESTED_MMENGINE``'s (empty: all
    as our copies expect), each with what to re-check."""
    changed = []
    for target, expected in FINGERPRINTS.items():
        try:
            found = source_fingerprint(target)
        except (AttributeError, ImportError) as err:
            changed.append(f'{target}: missing ({err})')
            continue
        if found != expected:
            changed.append(f'{target}: source changed ({found} != {expected}); re-check '
                           'engine/train_loops.py and engine/hooks/checkpoint_hook.py')
    return changed


def installed_is_tested() -> bool:
    """Whether the installed mmengine is the pinned version."""
    return mmengine.__version__ == TESTED_MMENGINE
