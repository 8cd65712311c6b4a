"""``to_channels_last``: what the ``channels_last`` config key does to a model, in training and
in the predictors built from that config."""
import torch
from torch import nn


def to_channels_last(model: nn.Module) -> nn.Module:
    """Weights in ``torch.channels_last`` memory format, and the model's data preprocessor asked
    to hand over its batches in that format (when it can: ``channels_last`` attribute)."""
    model = model.to(memory_format=torch.channels_last)
    preprocessor = getattr(model, 'data_preprocessor', None)
    if hasattr(preprocessor, 'channels_last'):
        preprocessor.channels_last = True
    return model
