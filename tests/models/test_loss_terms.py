import torch
from mmengine.logging import MessageHub

from easycv_like.models.loss_terms import NONFINITE_TERMS_KEY, nonfinite_terms
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
    total, _ = model.parse_losses({'loss': torch.tensor(2.0), 'aux_loss': torch.tensor(1.0)})
    assert total.item() == 3.0 and not hub.get_info(NONFINITE_TERMS_KEY)
    model.parse_losses({'loss': torch.tensor(2.0), 'aux_loss': torch.tensor(float('nan'))})
    assert hub.get_info(NONFINITE_TERMS_KEY) == ['aux_loss=nan']
