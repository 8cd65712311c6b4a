"""BatchNormMomentumHook: every BN layer (torchvision MobileNet's 0.01 included) gets the
configured momentum before training; a model without BN is an error."""
from types import SimpleNamespace

import pytest
import torch
from torch import nn

from easycv_like.engine.hooks import BatchNormMomentumHook
from easycv_like.models.backbones import MobileNetV3


def test_sets_every_batch_norm_momentum():
    model = nn.Sequential(MobileNetV3(arch='small'), nn.BatchNorm1d(3))
    assert {m.momentum for m in model.modules() if isinstance(m, nn.BatchNorm2d)} == {0.01}
    BatchNormMomentumHook(momentum=0.2).before_train(SimpleNamespace(model=model))
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    assert len(norms) > 10 and {m.momentum for m in norms} == {0.2}
    x = torch.ones(4, 3)
    norms[-1].train()(x * 5)
    assert norms[-1].running_mean.tolist() == pytest.approx([1.0] * 3)  # 0.8 * 0 + 0.2 * 5


def test_model_without_batch_norm_and_bad_momentum_are_errors():
    with pytest.raises(ValueError, match='has no batch-norm layer'):
        BatchNormMomentumHook().before_train(SimpleNamespace(model=nn.Linear(2, 2)))
    with pytest.raises(ValueError, match=r'in \(0, 1\]'):
        BatchNormMomentumHook(momentum=0.0)
