import torch
from mmengine.logging import MessageHub

import pytest

from easycv_like.models.loss_terms import (NONFINITE_TERMS_KEY, as_loss_terms, nonfinite_terms,
                                          parse_loss_dict)
from easycv_like.registry import MODELS


def test_nonfinite_terms_names_only_the_bad_ones():
    losses = {'loss_a': torch.tensor(1.5), 'loss_b': torch.tensor(float('inf')),
              'loss_c': [torch.tensor(1.0), torch.tensor(float('nan'))], 'acc': 3}
    assert nonfinite_terms(losses) == ['loss_b=inf', 'loss_c=nan']


def test_a_model_records_its_nonfinite_terms_in_the_message_hub():
    hub = MessageHub.get_instance('test_loss_terms')
    model = MODELS.build(dict(type='Classification', backbone=dict(
        type='ResNet', depth=18, stem='small'), head=dict(
        type='ClsHead', in_channels=512, num_classes=3)))
    total, _ = model.parse_losses({'loss': torch.tensor(2.0), 'loss_aux': torch.tensor(1.0)})
    assert total.item() == 3.0 and not hub.get_info(NONFINITE_TERMS_KEY)
    model.parse_losses({'loss': torch.tensor(2.0), 'loss_aux': torch.tensor(float('nan'))})
    assert hub.get_info(NONFINITE_TERMS_KEY) == ['loss_aux=nan']


def test_only_keys_starting_with_loss_are_summed():
    losses = {'loss_cls': torch.tensor(2.0), 'loss_box': [torch.tensor(1.0), torch.tensor(0.5)],
              'aux_loss_weight': torch.tensor(100.0), 'num_fg': 7, 'acc_top1': torch.tensor(50.)}
    total, log_vars = parse_loss_dict(losses)
    assert total.item() == 3.5  # 'aux_loss_weight' contains "loss" but is only logged
    assert list(log_vars) == ['loss', 'loss_cls', 'loss_box', 'aux_loss_weight', 'num_fg',
                              'acc_top1']
    assert log_vars['num_fg'].item() == 7.0 and log_vars['loss_box'].item() == 1.5


def test_torchvision_component_keys_are_counted_after_as_loss_terms():
    torchvision_losses = {'bbox_regression': torch.tensor(1.0), 'classification': torch.tensor(2.)}
    with pytest.raises(ValueError, match='no key starting with "loss"'):
        parse_loss_dict(torchvision_losses)
    total, log_vars = parse_loss_dict(as_loss_terms(torchvision_losses))
    assert total.item() == 3.0
    assert set(log_vars) == {'loss', 'loss_bbox_regression', 'loss_classification'}


def test_a_loss_term_that_is_not_a_tensor_is_named():
    with pytest.raises(TypeError, match="'loss_x'"):
        parse_loss_dict({'loss_x': 1.0})
