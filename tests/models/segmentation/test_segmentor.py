"""Segmentation: losses (ignore label excluded, auxiliary weight, decreasing on a repeated
batch) and label maps at the original size through the predictor."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.model import BaseModule

from easycv_like.models.segmentation import Segmentation
from easycv_like.predictors import SegmentationPredictor
from easycv_like.registry import MODELS

RAW = dict(type='DenseDataPreprocessor', mean=None, std=None)


@MODELS.register_module(force=True)
class ImageAsFeatures(BaseModule):
    """Test backbone: the image itself, twice (a low and a high feature map)."""

    def __init__(self) -> None:
        super().__init__()
        self.gain = torch.nn.Parameter(torch.ones(1))

    def forward(self, x):
        return (x * self.gain, x * self.gain)


def _tiny(aux_loss_weight=0.5, auxiliary=True):
    torch.manual_seed(0)
    return Segmentation(
        backbone=dict(type='ResNet', depth=18, stem='small', out_indices=(0, 1)),
        decode_head=dict(type='LRASPPHead', in_channels=(64, 128), num_classes=3, channels=8),
        auxiliary_head=dict(type='FCNHead', in_channels=64, num_classes=3, in_index=0)
        if auxiliary else None,
        aux_loss_weight=aux_loss_weight, data_preprocessor=dict(RAW))


def _batch(n=2, size=16):
    torch.manual_seed(1)
    inputs = torch.randn(n, 3, size, size)
    seg = (inputs[:, 0] > 0).long() + (inputs[:, 1] > 0.5).long()  # classes 0..2 from colour
    seg[:, :2] = 255
    return inputs, [dict(gt_seg_map=s.to(torch.uint8)) for s in seg]


def test_loss_excludes_ignored_pixels():
    model = _tiny(auxiliary=False).eval()
    inputs, samples = _batch()
    loss = model(inputs, samples, mode='loss')['loss_ce']
    logits = F.interpolate(model(inputs, mode='tensor'), size=(16, 16), mode='bilinear',
                           align_corners=False)  # N x K x H x W
    target = torch.stack([s['gt_seg_map'] for s in samples]).long()
    kept = target != 255
    expected = F.cross_entropy(logits.permute(0, 2, 3, 1)[kept], target[kept])
    assert loss.item() == pytest.approx(expected.item(), rel=1e-5)
    everything = F.cross_entropy(logits, target.clamp(max=2))
    assert abs(loss.item() - everything.item()) > 1e-4


def test_auxiliary_loss_is_weighted():
    inputs, samples = _batch()
    half = _tiny(0.5).eval()(inputs, samples, mode='loss')
    quarter = _tiny(0.25).eval()(inputs, samples, mode='loss')
    assert set(half) == {'loss_ce', 'loss_aux_ce'}
    assert half['loss_ce'].item() == pytest.approx(quarter['loss_ce'].item())
    assert half['loss_aux_ce'].item() == pytest.approx(2 * quarter['loss_aux_ce'].item())
    model = _tiny(0.5).eval()
    feats = model.backbone(inputs)
    target = torch.stack([s['gt_seg_map'] for s in samples])
    plain = model.auxiliary_head.loss(model.auxiliary_head(feats), target)['loss_ce']
    assert half['loss_aux_ce'].item() == pytest.approx(0.5 * plain.item(), rel=1e-5)


def test_loss_is_finite_and_decreases_on_a_repeated_batch():
    model = _tiny().train()
    inputs, samples = _batch(n=4)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    history = []
    for _ in range(12):
        losses = model(inputs, samples, mode='loss')
        total = sum(losses.values())
        assert torch.isfinite(total)
        optimizer.zero_grad()
        total.backward()
        optimizer.step()
        history.append(total.item())
    assert history[-1] < 0.6 * history[0]


def test_missing_seg_map_is_an_error():
    model = _tiny(auxiliary=False)
    with pytest.raises(KeyError, match=r'samples \[1\] have none'):
        model(torch.randn(2, 3, 16, 16), [dict(gt_seg_map=torch.zeros(16, 16)), {}], mode='loss')


def test_predictor_returns_maps_at_the_original_size_of_a_resized_input(tmp_path):
    # class 1 where the red channel exceeds 140: the low classifier reads red - 140
    model = Segmentation(backbone=dict(type='ImageAsFeatures'),
                         decode_head=dict(type='LRASPPHead', in_channels=(3, 3), num_classes=2,
                                          channels=2),
                         data_preprocessor=dict(RAW))
    with torch.no_grad():
        head = model.decode_head
        head.low_classifier.weight.zero_()
        head.low_classifier.weight[:, 0] = torch.tensor([-1.0, 1.0])[:, None, None]
        head.low_classifier.bias.copy_(torch.tensor([140.0, -140.0]))
        head.high_classifier.weight.zero_()
        head.high_classifier.bias.zero_()
    pipeline = [dict(type='LoadImage'), dict(type='LoadSegMap'), dict(type='Resize', size=(40, 60)),
                dict(type='PackSegInputs')]
    config = dict(model=dict(type='Segmentation', backbone=dict(type='ImageAsFeatures'),
                             decode_head=dict(type='LRASPPHead', in_channels=(3, 3),
                                              num_classes=2, channels=2),
                             data_preprocessor=dict(RAW)),
                  data=dict(val=dict(type='SegDataset', pipeline=pipeline,
                                     collate=dict(type='pad_collate', size_divisor=32))))
    path = tmp_path / 'seg.pth'
    torch.save(dict(state_dict=model.state_dict(),
                    meta=dict(config_dict=config, dataset_meta=dict(classes=['bg', 'fg']))), path)
    img = np.full((20, 30, 3), 30, np.uint8)
    img[4:13, 7:22] = 250
    result = SegmentationPredictor(str(path)).predict([img])[0]
    assert result['seg_map'].shape == (20, 30)
    np.testing.assert_array_equal(result['seg_map'], (img[..., 0] > 200).astype(np.uint8))
    assert result['class_names'] == ['bg', 'fg']


@pytest.mark.parametrize('head, stride', [
    (dict(type='LRASPPHead', in_channels=(40, 960), num_classes=3), 8),
    (dict(type='ASPPHead', in_channels=960, num_classes=3, in_index=1), 16)])
def test_output_stride_on_a_dilated_mobilenet_v3_large(head, stride):
    model = Segmentation(backbone=dict(type='MobileNetV3', arch='large', dilated=True,
                                       out_indices=(4, 16)),
                         decode_head=head).eval()
    assert model(torch.randn(1, 3, 64, 96), mode='tensor').shape == (1, 3, 64 // stride,
                                                                    96 // stride)
