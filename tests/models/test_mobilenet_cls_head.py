"""MobileNetClsHead: torchvision MobileNet classification state dicts load into our
Classification model with nothing left over and give the same logits; loss; mapping errors."""
import pytest
import torch
import torchvision

from easycv_like.models.heads import MobileNetClsHead, torchvision_mobilenet_to_classification
from easycv_like.registry import MODELS
from easycv_like.utils.weight_loading import load_weights

from .randomised_bn import randomise_batch_norms

CASES = [  # torchvision builder + kwargs, our backbone config, in / hidden channels
    (torchvision.models.mobilenet_v3_large, {}, dict(type='MobileNetV3', arch='large'), 960,
     1280),
    (torchvision.models.mobilenet_v3_small, {}, dict(type='MobileNetV3', arch='small'), 576,
     1024),
    (torchvision.models.mobilenet_v3_large, dict(width_mult=0.75),
     dict(type='MobileNetV3', arch='large', widen_factor=0.75), 720, 960),
    (torchvision.models.mobilenet_v2, {}, dict(type='MobileNetV2'), 1280, None),
    (torchvision.models.mobilenet_v2, dict(width_mult=0.75),
     dict(type='MobileNetV2', widen_factor=0.75), 1280, None),
]


def _classifier(backbone, in_channels, hidden, num_classes=10):
    return MODELS.build(dict(
        type='Classification', backbone=backbone,
        head=dict(type='MobileNetClsHead', in_channels=in_channels, hidden_channels=hidden,
                  num_classes=num_classes)))


@pytest.mark.parametrize('builder, kwargs, backbone, in_channels, hidden', CASES)
def test_torchvision_classifier_loads_strictly_with_equal_logits(builder, kwargs, backbone,
                                                                 in_channels, hidden):
    torch.manual_seed(1)
    reference = randomise_batch_norms(builder(weights=None, num_classes=10, **kwargs)).eval()
    for p in reference.classifier.parameters():  # beyond the tiny std-0.01 init
        torch.nn.init.uniform_(p, -0.2, 0.2)
    torch.manual_seed(2)
    ours = _classifier(backbone, in_channels, hidden).eval()
    result = ours.load_state_dict(torchvision_mobilenet_to_classification(
        reference.state_dict()), strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    assert sum(p.numel() for p in ours.parameters()) == sum(
        p.numel() for p in reference.parameters())
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        logits = ours(x, mode='tensor')
        expected = reference(x)
    torch.testing.assert_close(logits, expected, atol=1e-5, rtol=0)
    assert expected.std() > 1e-3


def test_layers_and_init():
    torch.manual_seed(0)
    head = MobileNetClsHead(in_channels=96, hidden_channels=512, num_classes=7, dropout=0.3)
    linear, act, drop = head.pre_logits
    assert (linear.in_features, linear.out_features) == (96, 512)
    assert isinstance(act, torch.nn.Hardswish) and drop.p == 0.3
    assert (head.fc.in_features, head.fc.out_features) == (512, 7)
    assert head.in_channels == 96
    assert linear.weight.std().item() == pytest.approx(0.01, rel=0.1)
    assert torch.count_nonzero(linear.bias) == 0
    plain = MobileNetClsHead(in_channels=96, num_classes=7)
    assert len(plain.pre_logits) == 1 and plain.fc.in_features == 96


def test_forward_pools_then_classifies_and_loss():
    head = MobileNetClsHead(in_channels=4, hidden_channels=6, num_classes=3, dropout=0.0).eval()
    feats = (torch.randn(2, 4, 3, 3),)
    hidden = torch.nn.functional.hardswish(head.pre_logits[0](feats[0].mean(dim=(2, 3))))
    torch.testing.assert_close(head(feats), head.fc(hidden))
    logits = head(feats)
    labels = torch.tensor([0, 2])
    losses = head.loss(logits, labels)
    expected = torch.nn.functional.cross_entropy(logits, labels)
    torch.testing.assert_close(losses['loss'], expected)
    assert 'acc_top1' in losses


def test_dropout_is_active_in_training():
    torch.manual_seed(0)
    head = MobileNetClsHead(in_channels=8, hidden_channels=64, num_classes=3, dropout=0.5)
    feats = (torch.randn(4, 8, 2, 2),)
    assert not torch.equal(head.train()(feats), head.train()(feats))
    torch.testing.assert_close(head.eval()(feats), head.eval()(feats))


@pytest.mark.parametrize('kwargs, message', [
    (dict(dropout=1.0), r'dropout must be in \[0, 1\), got 1.0'),
    (dict(hidden_channels=0), 'hidden_channels must be positive or None, got 0'),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MobileNetClsHead(in_channels=8, num_classes=3, **kwargs)


def test_mapping_names_unknown_keys():
    state = torchvision.models.mobilenet_v3_small(weights=None).state_dict()
    state['avgpool.extra'] = torch.zeros(1)
    with pytest.raises(KeyError, match=r"no mapping for \['avgpool.extra'\]"):
        torchvision_mobilenet_to_classification(state)


def test_load_weights_reads_a_torchvision_file_directly(tmp_path):
    """``load_from`` / ``load_weights`` rename torchvision's keys through
    ``Classification.adapt_checkpoint_state``: a torchvision file loads strictly."""
    torch.manual_seed(1)
    reference = randomise_batch_norms(torchvision.models.mobilenet_v3_small(weights=None)).eval()
    path = tmp_path / 'mobilenet_v3_small.pth'
    torch.save(reference.state_dict(), path)
    ours = _classifier(dict(type='MobileNetV3', arch='small'), 576, 1024, num_classes=1000)
    report = load_weights(ours.eval(), str(path), strict=True)
    assert report.complete and report.matched_params == len(list(ours.parameters()))
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(ours(x, mode='tensor'), reference(x), atol=1e-5, rtol=0)


def test_prefixed_mapping_keeps_other_keys():
    state = {'model.features.0.0.weight': torch.zeros(1), 'model.classifier.1.bias': torch.ones(1),
             'other': torch.zeros(2)}
    mapped = torchvision_mobilenet_to_classification(state, prefix='model.')
    assert set(mapped) == {'model.backbone.features.0.0.weight', 'model.head.fc.bias', 'other'}
