"""Map the names of a torchvision / timm classifier file onto our ``Classification`` model.

torchvision's and timm's ResNets keep the backbone's parameters at the top level
(``conv1.weight``, ``layer1.0.bn1.running_mean``) and the classifier as ``fc.*``; timm's ViT /
DeiT files and MAE's fine-tuned ones do the same with the classifier as ``head.*``. Our
backbones use those module names, so the whole mapping is a re-rooting: the backbone's names
go under ``backbone.``, the last Linear becomes ``head.fc.``. ``Classification`` applies it
wherever weights are loaded (``load_from``, predictors, ``tools/eval.py``, feature extraction).
"""
from collections.abc import Collection
from typing import Dict

import torch

CLASSIFIER_NAMES = {'fc.weight': 'head.fc.weight', 'fc.bias': 'head.fc.bias',
                    'head.weight': 'head.fc.weight', 'head.bias': 'head.fc.bias'}


def is_bare_classifier(state: Dict[str, torch.Tensor], backbone_names: Collection[str],
                       prefix: str = '') -> bool:
    """Whether the keys under ``prefix`` are a backbone's own names (at least half of those
    that are not the classifier) plus at most a classifier, with no ``backbone.*`` key."""
    names = [k[len(prefix):] for k in state if k.startswith(prefix)]
    if any(n.startswith('backbone.') for n in names):
        return False
    body = [n for n in names if n not in CLASSIFIER_NAMES]
    return bool(body) and 2 * sum(n in backbone_names for n in body) >= len(body)


def rename_bare_classifier(state: Dict[str, torch.Tensor], prefix: str = '') -> None:
    """In place, for the keys under ``prefix``: ``fc.*`` / ``head.weight|bias`` ->
    ``head.fc.*``, every other name ``X`` -> ``backbone.X`` (the load report lists those the
    backbone lacks as unexpected)."""
    keys = [k for k in state if k.startswith(prefix)]
    for key in keys:
        name = key[len(prefix):]
        state[prefix + CLASSIFIER_NAMES.get(name, f'backbone.{name}')] = state.pop(key)
