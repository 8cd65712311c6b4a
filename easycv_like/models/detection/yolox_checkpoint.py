"""Map the parameter names of a Megvii YOLOX checkpoint onto our ``YOLOX`` model.

Megvii's model nests the backbone inside the PAFPN: ``backbone.backbone.*`` (CSPDarknet),
``backbone.*`` (the PAFPN's own layers) and ``head.*``. Ours keeps the same module names below
``backbone.`` / ``neck.`` / ``head.``, so one re-rooting of the names is the whole mapping; its
files (``{'model': state_dict, 'optimizer': ..., 'start_epoch': ...}``) load through
``utils/weight_loading.py`` (``load_from``, ``init_cfg=Pretrained``, predictors).
"""
from typing import Dict

import torch

MEGVII_BACKBONE = 'backbone.backbone.'
MEGVII_NECK = 'backbone.'
MEGVII_MARKER = 'backbone.backbone.stem.conv.conv.weight'  # the Focus stem's convolution


def is_megvii_yolox(state: Dict[str, torch.Tensor], prefix: str = '') -> bool:
    """Whether ``state`` uses Megvii's names at ``prefix`` (its backbone nested in the PAFPN)."""
    return f'{prefix}{MEGVII_MARKER}' in state


def our_yolox_name(megvii_name: str) -> str:
    """``backbone.backbone.X`` -> ``backbone.X``; ``backbone.X`` -> ``neck.X``; ``head.X`` and
    anything else unchanged."""
    if megvii_name.startswith(MEGVII_BACKBONE):
        return 'backbone.' + megvii_name[len(MEGVII_BACKBONE):]
    if megvii_name.startswith(MEGVII_NECK):
        return 'neck.' + megvii_name[len(MEGVII_NECK):]
    return megvii_name


def rename_megvii_yolox(state: Dict[str, torch.Tensor], prefix: str = '') -> None:
    """Rename Megvii's keys under ``prefix`` to ours, in place (other keys are left alone)."""
    keys = [k for k in state if k.startswith(prefix)]
    renamed = {f'{prefix}{our_yolox_name(k[len(prefix):])}': state.pop(k) for k in keys}
    state.update(renamed)
