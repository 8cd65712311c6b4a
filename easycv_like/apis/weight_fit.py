"""Load a checkpoint's weights into a model only when they fit it exactly.

Evaluation and prediction must score the trained weights: a checkpoint of another model (an SSL
run given to a classification config, a head of another size) would otherwise leave parts of
the model at their random initialisation and report a meaningless number.
"""
from typing import Any

import torch
from torch import nn

_SHOWN = 8  # key names listed per kind of problem


def checkpoint_state_dict(checkpoint: Any) -> dict:
    """The model weights of a loaded checkpoint (``state_dict``, or the file itself), without a
    ``module.`` prefix left by a DDP wrapper."""
    state = checkpoint.get('state_dict', checkpoint) if isinstance(checkpoint, dict) else None
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ValueError('The checkpoint holds no state_dict of tensors.')
    if state and all(key.startswith('module.') for key in state):
        state = {key[len('module.'):]: value for key, value in state.items()}
    return state


def _listing(kind: str, names: list[str]) -> str:
    more = f', ... ({len(names) - _SHOWN} more)' if len(names) > _SHOWN else ''
    return f'{len(names)} {kind}: {", ".join(names[:_SHOWN])}{more}'


def load_weights_exactly(model: nn.Module, checkpoint: Any, path: str) -> None:
    """Copy the checkpoint's weights into ``model``, which must have the same keys and shapes.

    Raises:
        ValueError: naming the file, the missing, unexpected and shape-mismatched keys.
    """
    model = getattr(model, 'module', model)  # DDP and other wrappers
    state = checkpoint_state_dict(checkpoint)
    own = model.state_dict()
    problems = []
    missing = [key for key in own if key not in state]
    unexpected = [key for key in state if key not in own]
    mismatched = [f'{key} (checkpoint {list(state[key].shape)}, model {list(own[key].shape)})'
                  for key in own if key in state and state[key].shape != own[key].shape]
    for kind, names in (('missing keys', missing), ('unexpected keys', unexpected),
                        ('shape mismatches', mismatched)):
        if names:
            problems.append(_listing(kind, names))
    if problems:
        raise ValueError(
            f'The weights of {path} do not fit the config\'s model {type(model).__name__} '
            f'({"; ".join(problems)}). Use the config the checkpoint was trained with (e.g. a '
            'classification config needs a checkpoint with a trained head, not an SSL one).')
    model.load_state_dict(state, strict=True)
