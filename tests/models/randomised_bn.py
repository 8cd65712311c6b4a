"""Give every BatchNorm of a model non-trivial statistics and affine parameters, so a comparison
of outputs also checks that running stats and eps were carried over."""
import torch
from torch import nn


def randomise_batch_norms(model: nn.Module, seed: int = 0) -> nn.Module:
    """Draw running mean / var, weight and bias of every BN in ``model`` (in place)."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.copy_(torch.rand(m.num_features, generator=gen) * 0.2 - 0.1)
                m.running_var.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
                m.weight.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
                m.bias.copy_(torch.rand(m.num_features, generator=gen) * 0.2 - 0.1)
    return model
