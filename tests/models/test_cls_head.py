"""ClsHead: shapes, init, loss and logged accuracy values."""
import math

import pytest
import torch

from easycv_like.models.heads import ClsHead


def test_forward_pools_last_feature():
    head = ClsHead(in_channels=4, num_classes=3)
    feats = (torch.randn(2, 8, 4, 4), torch.randn(2, 4, 3, 3))
    logits = head(feats)
    assert logits.shape == (2, 3)
    expected = head.fc(feats[-1].mean(dim=(2, 3)))
    torch.testing.assert_close(logits, expected)


def test_without_avg_pool_takes_vectors():
    head = ClsHead(in_channels=4, num_classes=3, with_avg_pool=False)
    assert head((torch.randn(5, 4),)).shape == (5, 3)


def test_init():
    torch.manual_seed(0)
    head = ClsHead(in_channels=512, num_classes=100)
    assert torch.count_nonzero(head.fc.bias) == 0
    assert head.fc.weight.std().item() == pytest.approx(0.01, rel=0.05)


def test_loss_and_accuracy_values():
    head = ClsHead(in_channels=2, num_classes=3, topk=(1, 2))
    logits = torch.tensor([[0.0, 0.0, math.log(2.0)], [2.0, 1.0, 0.0]])
    target = torch.tensor([2, 1])
    out = head.loss(logits, target)
    # sample 0: p(label) = 1/2; sample 1: p(label) = e / (e^2 + e + 1)
    p1 = math.e / (math.e**2 + math.e + 1)
    expected = (math.log(2.0) - math.log(p1)) / 2
    assert out['loss'].item() == pytest.approx(expected, abs=1e-6)
    assert out['acc_top1'].item() == pytest.approx(50.0)
    assert out['acc_top2'].item() == pytest.approx(100.0)
    assert not out['acc_top1'].requires_grad


def test_label_smoothing_is_used():
    logits = torch.tensor([[3.0, 0.0, 0.0]])
    target = torch.tensor([0])
    plain = ClsHead(2, 3).loss(logits, target)['loss']
    smooth = ClsHead(2, 3, label_smoothing=0.2).loss(logits, target)['loss']
    assert smooth > plain


@pytest.mark.parametrize('head', [dict(type='ClsHead', in_channels=8),
                                  dict(type='MobileNetClsHead', in_channels=8, hidden_channels=4)])
def test_topk_above_the_classes_is_refused(head):
    """A resnet50_cls / MobileNet base (topk=(1, 5)) fine-tuned on 3 classes logged acc_top5 =
    100% whatever the model; refused as ClsEvaluator refuses it, naming the config path."""
    from easycv_like.config_path import entry
    from easycv_like.errors import ConfigError
    from easycv_like.registry import MODELS
    cfg = dict(type='Classification', backbone=dict(type='ResNet', depth=18, out_indices=(3,)),
               head=dict(head, num_classes=3, topk=(1, 5)))
    with pytest.raises(ConfigError) as err, entry('model', cfg):
        MODELS.build(cfg)
    assert str(err.value) == (f"model.head: {head['type']} topk=(1, 5): there are only 3 classes, "
                              'so top-5 accuracy would be 100% whatever the model. Use k up to '
                              '3, e.g. topk=(1, 2).')
    assert MODELS.build(dict(head, num_classes=3, topk=(1, 3))).topk == (1, 3)
