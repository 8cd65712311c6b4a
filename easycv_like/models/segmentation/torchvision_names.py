"""Map the parameter names of torchvision's segmentation models (``fcn_resnet50``,
``deeplabv3_mobilenet_v3_large``, ``lraspp_mobilenet_v3_large``...) onto our ``Segmentation``.

torchvision keeps ``backbone.*`` (the ResNet itself, or MobileNet's ``features`` sequence),
``classifier.*`` (the head) and ``aux_classifier.*``. Ours are ``backbone.*``
(``backbone.features.*`` for a backbone that keeps its layers under ``features``),
``decode_head.*`` and ``auxiliary_head.*``; inside a head, each head class lists its names
(``torchvision_names``).
"""
from typing import Dict

import torch
from torch import nn

from ...utils.weight_loading import WeightLoadError

HEADS = {'classifier.': 'decode_head', 'aux_classifier.': 'auxiliary_head'}


def is_torchvision_segmentation(state: Dict[str, torch.Tensor], prefix: str = '') -> bool:
    """Whether ``state`` uses torchvision's names at ``prefix`` (``classifier.*``, no
    ``decode_head.*``)."""
    return (any(k.startswith(f'{prefix}classifier.') for k in state)
            and not any(k.startswith(f'{prefix}decode_head.') for k in state))


def _head_name(model: nn.Module, head: str, name: str, key: str) -> str:
    module = getattr(model, head, None)
    if module is None:
        raise WeightLoadError(f'{key}: the checkpoint has a torchvision {name.split(".")[0]} but '
                              f'the model has no {head}.')
    rest = name.split('.', 1)[1]
    for theirs, ours in module.torchvision_names.items():
        if rest.startswith(theirs):
            return f'{head}.{ours}{rest[len(theirs):]}'
    raise WeightLoadError(f'{key}: no {type(module).__name__} parameter corresponds to '
                          f'torchvision name {rest!r} (known prefixes: '
                          f'{sorted(module.torchvision_names)}).')


def rename_torchvision_segmentation(state: Dict[str, torch.Tensor], model: nn.Module,
                                    prefix: str = '') -> None:
    """Rename the torchvision keys under ``prefix`` in place to the names of ``model`` (a
    ``Segmentation``); a head parameter with no counterpart is a ``WeightLoadError``."""
    layers = getattr(model.backbone, 'features', None)
    backbone = 'backbone.features.' if isinstance(layers, nn.Module) else 'backbone.'
    for key in [k for k in state if k.startswith(prefix)]:
        name = key[len(prefix):]
        head = next((ours for theirs, ours in HEADS.items() if name.startswith(theirs)), None)
        if head is not None:
            new = _head_name(model, head, name, key)
        elif name.startswith('backbone.'):
            new = backbone + name[len('backbone.'):]
        else:
            continue
        state[f'{prefix}{new}'] = state.pop(key)
