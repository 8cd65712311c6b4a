"""Loss parsing that records which loss terms were NaN/Inf, so the error can name them."""
from typing import Dict, List, Tuple

import torch
from mmengine.logging import MessageHub

NONFINITE_TERMS_KEY = 'nonfinite_loss_terms'


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
    """Mixin for mmengine ``BaseModel`` subclasses: on a non-finite total loss, the names of the
    offending terms go to the message hub, where the optimizer wrapper's guard reads them."""

    def parse_losses(self, losses: Dict[str, object]) -> Tuple[torch.Tensor, dict]:
        total, log_vars = super().parse_losses(losses)
        if not torch.isfinite(total.detach()).all():
            MessageHub.get_current_instance().update_info(NONFINITE_TERMS_KEY,
                                                          nonfinite_terms(losses))
        return total, log_vars
