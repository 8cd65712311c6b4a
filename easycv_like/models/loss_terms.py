"""The one rule for a model's loss dict, and the names of non-finite terms for the error.

The rule (docs/contracts.md): a key that *starts with* ``loss`` is a loss term, a tensor or a list
of tensors, and every term is summed into the optimised loss; any other key is logged only, never
summed (a tensor or a plain number, e.g. ``num_fg`` or ``acc_top1``). mmengine's own rule (sum
every key that *contains* "loss", refuse plain numbers) is replaced here for every algorithm.
Components with their own key names (torchvision's ``bbox_regression``, ``classification``) are
brought under the rule with :func:`as_loss_terms`.
"""
from collections import OrderedDict
from typing import Dict, List, Mapping, Tuple

import torch
from mmengine.logging import MessageHub

NONFINITE_TERMS_KEY = 'nonfinite_loss_terms'
LOSS_PREFIX = 'loss'


def as_loss_terms(losses: Mapping[str, torch.Tensor], prefix: str = 'loss_') -> Dict[str, object]:
    """``{'bbox_regression': t}`` -> ``{'loss_bbox_regression': t}``; keys already starting with
    ``loss`` keep their name."""
    return {key if key.startswith(LOSS_PREFIX) else prefix + key: value
            for key, value in losses.items()}


def _term_value(name: str, value) -> torch.Tensor:
    tensors = list(value) if isinstance(value, (list, tuple)) else [value]
    if not tensors or not all(isinstance(t, torch.Tensor) for t in tensors):
        raise TypeError(f'Loss term {name!r} must be a tensor or a list of tensors, got '
                        f'{type(value).__name__}; rename it (without the "loss" prefix) if it '
                        'is only meant to be logged.')
    return sum(t.mean() for t in tensors)


def _logged_value(name: str, value) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        return value.detach().float().mean()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return torch.tensor(float(value))
    raise TypeError(f'Logged value {name!r} must be a tensor or a number, got '
                    f'{type(value).__name__}.')


def parse_loss_dict(losses: Mapping[str, object]) -> Tuple[torch.Tensor, 'OrderedDict']:
    """``(total, log_vars)``: the sum of the ``loss*`` terms, and every value to log
    (``log_vars['loss']`` is the total)."""
    terms, logged = [], []
    for name, value in losses.items():
        if name.startswith(LOSS_PREFIX):
            term = _term_value(name, value)
            terms.append(term)
            logged.append((name, term))
        else:
            logged.append((name, _logged_value(name, value)))
    if not terms:
        raise ValueError(f'The loss dict {sorted(losses)} has no key starting with "loss": '
                         'nothing to optimise.')
    total = sum(terms)
    log_vars = OrderedDict([('loss', total)])
    log_vars.update((name, value) for name, value in logged if name != 'loss')
    return total, log_vars


def nonfinite_terms(losses: Dict[str, object]) -> List[str]:
    """``['loss_b=nan', ...]``: the loss terms of a model's loss dict that are not finite."""
    bad = []
    for name, value in losses.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        tensors = [v.detach() for v in values if isinstance(v, torch.Tensor)]
        if any(not torch.isfinite(t).all() for t in tensors):
            bad.append(f'{name}={sum(t.float().mean() for t in tensors).item()}')
    return bad


class NonFiniteTermsMixin:
    """Mixin for mmengine ``BaseModel`` subclasses: parses the loss dict by the rule above and,
    on a non-finite total loss, puts the names of the offending terms in the message hub, where
    the optimizer wrapper's guard reads them."""

    def parse_losses(self, losses: Dict[str, object]) -> Tuple[torch.Tensor, dict]:
        total, log_vars = parse_loss_dict(losses)
        if not torch.isfinite(total.detach()).all():
            MessageHub.get_current_instance().update_info(NONFINITE_TERMS_KEY,
                                                          nonfinite_terms(losses))
        return total, log_vars
