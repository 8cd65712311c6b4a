"""``init_cfg=dict(type='Pretrained', ...)`` that loads through ``load_weights`` and reports.

mmengine's own ``Pretrained`` initializer loads with ``strict=False`` and only warns, so a file
whose keys do not fit (an official DeiT / MAE ``{'model': ...}`` file, a wrong prefix) leaves the
model at its random init. This one replaces it under the same name: it unwraps the usual
containers, applies the prefix, logs the key report and fails when a weight of the module is
not in the file, unless ``exclude`` names it or ``min_match`` accepts the partial load.
"""
from typing import Optional, Sequence

from mmengine.model.weight_init import update_init_info
from mmengine.registry import WEIGHT_INITIALIZERS
from mmengine.runner import CheckpointLoader
from torch import nn

from ..utils.weight_loading import load_weights


@WEIGHT_INITIALIZERS.register_module(name='Pretrained', force=True)
class PretrainedInit:
    """Initialise a module from a checkpoint file, with a key report.

    Args:
        checkpoint: the file (read with ``weights_only=True``; ``trust_checkpoint`` applies).
        prefix: keep only keys under it, prefix removed, e.g. ``'backbone.'`` for the online
            backbone of a self-supervised checkpoint. Default None (all keys).
        map_location: as for ``torch.load``. Default ``'cpu'``.
        container: top-level key to open first (e.g. ``'student'``); default: the first of
            ``state_dict``, ``model``, ``module``, ``teacher``, ``student`` ... present.
        exclude: layers that start afresh: keys starting with these names (relative to the
            module, after ``prefix``) are neither loaded nor required, e.g. ``['layer4.']``.
            Default: none.
        min_match: the least fraction of the module's weights that must be in the file.
            Default 1.0 (every one); lower it to accept a partial load knowingly.
        strict: also fail when the file holds keys the module does not use. Default False.
    """

    def __init__(self, checkpoint: str, prefix: Optional[str] = None, map_location: str = 'cpu',
                 container: Optional[str] = None, exclude: Sequence[str] = (),
                 min_match: float = 1.0, strict: bool = False) -> None:
        self.checkpoint = checkpoint
        self.prefix = prefix
        self.map_location = map_location
        self.container = container
        self.exclude = exclude
        self.min_match = min_match
        self.strict = strict

    def __call__(self, module: nn.Module) -> None:
        loaded = CheckpointLoader.load_checkpoint(self.checkpoint, self.map_location)
        load_weights(module, loaded, prefix=self.prefix, container=self.container,
                     exclude=self.exclude, min_match=self.min_match, strict=self.strict,
                     source=str(self.checkpoint))
        if hasattr(module, '_params_init_info'):
            update_init_info(module, init_info=f'Pretrained: loaded from {self.checkpoint}')
