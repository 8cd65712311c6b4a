"""YOLOX: published sizes, decode + NMS on a hand-made prediction, letterbox mapping, the L1
switch, loss wiring and argument checks."""
import math

import numpy as np
import pytest
import torch
from torch import nn

from easycv_like.models.detection import YOLOX
from easycv_like.predictors import DetectionPredictor
from easycv_like.registry import MODELS

# name: (deepen, widen, depthwise, published parameters in millions, 80 classes)
PUBLISHED = {'nano': (0.33, 0.25, True, 0.91), 'tiny': (0.33, 0.375, False, 5.06),
             's': (0.33, 0.50, False, 9.0), 'm': (0.67, 0.75, False, 25.3),
             'l': (1.0, 1.0, False, 54.2), 'x': (1.33, 1.25, False, 99.1)}


def yolox_cfg(deepen=0.33, widen=0.0625, depthwise=False, num_classes=3, **extra) -> dict:
    parts = dict(deepen_factor=deepen, widen_factor=widen, depthwise=depthwise)
    return dict(type='YOLOX', backbone=dict(type='CSPDarknet', **parts),
                neck=dict(type='YOLOXPAFPN', **parts),
                head=dict(type='YOLOXHead', num_classes=num_classes, widen_factor=widen,
                          depthwise=depthwise), **extra)


@pytest.mark.parametrize('size', sorted(PUBLISHED))
def test_each_size_has_the_published_parameter_count(size):
    deepen, widen, depthwise, millions = PUBLISHED[size]
    with torch.device('meta'):
        model = MODELS.build(yolox_cfg(deepen, widen, depthwise, num_classes=80))
    count = sum(p.numel() for p in model.parameters()) / 1e6
    assert count == pytest.approx(millions, rel=0.03), f'{size}: {count:.3f} M'


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def handmade_outputs(batch: int = 1):
    """Raw maps for a 64 x 64 input (levels 8 x 8, 4 x 4, 2 x 2; 3 classes): every cell scores
    ~4.5e-5 except four:
    A level 0, row 2, col 2: box (12, 12, 28, 28), class 0, objectness sigmoid(4);
    B level 0, row 2, col 3: the same box and class, objectness sigmoid(2) (a duplicate);
    C level 1, row 1, col 1: the same box, class 1, objectness sigmoid(3);
    D level 2, row 1, col 0: box (8, 40, 24, 56), class 2, objectness sigmoid(1)."""
    sizes = ((8, 8), (4, 4), (2, 2))
    cls = [torch.full((batch, 3, h, w), -10.) for h, w in sizes]
    obj = [torch.full((batch, 1, h, w), -10.) for h, w in sizes]
    reg = [torch.zeros(batch, 4, h, w) for h, w in sizes]
    # (level, row, col, class, objectness logit, dx, dy, width / stride)
    cells = [(0, 2, 2, 0, 4., 0.5, 0.5, 2.), (0, 2, 3, 0, 2., -0.5, 0.5, 2.),
             (1, 1, 1, 1, 3., 0.25, 0.25, 1.), (2, 1, 0, 2, 1., 0.5, 0.5, 0.5)]
    for level, row, col, label, objectness, dx, dy, size in cells:
        cls[level][:, label, row, col] = 10.
        obj[level][:, 0, row, col] = objectness
        reg[level][:, :, row, col] = torch.tensor([dx, dy, math.log(size), math.log(size)])
    return cls, reg, obj


SIG10 = 1 / (1 + math.exp(-10))
EXPECTED_SCORES = [SIG10 / (1 + math.exp(-4)), SIG10 / (1 + math.exp(-3)),
                   SIG10 / (1 + math.exp(-1))]


def test_decode_and_nms_on_a_handmade_prediction():
    model = MODELS.build(yolox_cfg())
    (boxes, scores, labels), = model.boxes_from_outputs(*handmade_outputs())
    # A survives, its duplicate B is suppressed, C (same box, other class) and D are kept
    assert boxes.tolist() == [[12., 12., 28., 28.], [12., 12., 28., 28.], [8., 40., 24., 56.]]
    assert labels.tolist() == [0, 1, 2] and labels.dtype == torch.int64
    assert scores.tolist() == pytest.approx(EXPECTED_SCORES, rel=1e-6)


def test_score_threshold_nms_threshold_and_max_per_image():
    outputs = handmade_outputs(batch=2)
    high = MODELS.build(yolox_cfg(score_thr=0.8))
    assert [d[2].tolist() for d in high.boxes_from_outputs(*outputs)] == [[0, 1], [0, 1]]
    top1 = MODELS.build(yolox_cfg(max_per_img=1))
    assert top1.boxes_from_outputs(*outputs)[1][2].tolist() == [0]
    loose = MODELS.build(yolox_cfg(nms_iou_thr=1.0))  # nothing overlaps more than IoU 1
    assert loose.boxes_from_outputs(*outputs)[0][2].tolist() == [0, 1, 0, 2]
    everything = MODELS.build(yolox_cfg(score_thr=0.0))
    assert len(everything.boxes_from_outputs(*outputs)[0][0]) > 80  # all cells, before NMS


def test_tensor_mode_returns_the_raw_per_level_maps():
    model = MODELS.build(yolox_cfg()).eval()
    images = torch.rand(2, 3, 64, 32) * 255
    cls_scores, bbox_preds, objectnesses = model(images, mode='tensor')
    assert [tuple(m.shape) for m in cls_scores] == [(2, 3, 8, 4), (2, 3, 4, 2), (2, 3, 2, 1)]
    assert [m.shape[1] for m in bbox_preds] == [4, 4, 4]
    with torch.no_grad():
        direct = model.head(model.neck(model.backbone(images)))
    torch.testing.assert_close(objectnesses, direct[2])


def test_predictor_maps_boxes_back_through_a_centred_letterbox(tmp_path):
    model = MODELS.build(yolox_cfg())
    pipeline = [dict(type='LoadImage'), dict(type='Letterbox', size=64, center=True),
                dict(type='PackDetInputs')]
    config = dict(model=yolox_cfg(), data=dict(val=dict(
        type='DetDataset', data_source=dict(type='Coco'), pipeline=pipeline,
        collate=dict(type='pad_collate', size_divisor=32, pad_value=114))))
    path = tmp_path / 'yolox.pth'
    torch.save(dict(state_dict=model.state_dict(), meta=dict(
        config_dict=config, dataset_meta=dict(classes=['a', 'b', 'c']))), path)
    predictor = DetectionPredictor(str(path))
    seen = []

    def fixed_outputs(inputs):
        seen.append(tuple(inputs.shape))
        return handmade_outputs(len(inputs))

    predictor.model.head_outputs = fixed_outputs
    # 100 x 200 -> scale 0.32, 32 x 64 placed 16 px down on the 64 x 64 canvas
    result, = predictor.predict([np.zeros((100, 200, 3), np.uint8)])
    assert seen == [(1, 3, 64, 64)]
    # x / 0.32; y: (y - 16) / 0.32, clipped to [0, 100]
    np.testing.assert_allclose(result['bboxes'], [[37.5, 0, 87.5, 37.5], [37.5, 0, 87.5, 37.5],
                                                  [25, 75, 75, 100]], atol=1e-4)
    assert result['label_names'] == ['a', 'b', 'c']
    np.testing.assert_allclose(result['scores'], EXPECTED_SCORES, rtol=1e-6)


def test_l1_switch_is_declared_saved_and_restored():
    model = MODELS.build(yolox_cfg())
    assert model.use_l1 is False and model.scheduled_values() == ('use_l1',)
    model.set_scheduled_value('use_l1', True)
    assert model.use_l1 is True
    state = model.state_dict()
    assert state['l1_switch'].item() is True
    resumed = MODELS.build(yolox_cfg())
    resumed.load_state_dict(state)
    assert resumed.use_l1 is True
    resumed.use_l1 = False
    assert resumed.state_dict()['l1_switch'].item() is False
    with pytest.raises(TypeError, match="use_l1 takes a bool, got str 'yes'"):
        model.use_l1 = 'yes'
    with pytest.raises(AttributeError, match="no scheduled value 'use_l2'"):
        model.set_scheduled_value('use_l2', True)



def test_the_ema_copy_follows_the_l1_switch():
    """Checkpoints hold the averaged weights: the switch must travel with them."""
    from easycv_like.models import ExpMomentumEMA
    model = MODELS.build(yolox_cfg())
    ema = ExpMomentumEMA(model)
    model.use_l1 = True
    ema.update_parameters(model)
    ema.update_parameters(model)
    assert ema.module.use_l1 is True and ema.state_dict()['module.l1_switch'].item() is True

@MODELS.register_module(force=True)
class RecordingCriterion(nn.Module):
    """Stands in for YOLOXCriterion: remembers what it was built with and called with."""

    def __init__(self, num_classes, strides, weight=1.0):
        super().__init__()
        self.built = dict(num_classes=num_classes, strides=strides, weight=weight)
        self.calls = []

    def forward(self, cls_scores, bbox_preds, objectnesses, gt_bboxes, gt_labels, use_l1):
        self.calls.append(dict(levels=len(cls_scores), gt_bboxes=gt_bboxes, gt_labels=gt_labels,
                               use_l1=use_l1))
        total = sum(m.sum() for m in cls_scores + bbox_preds + objectnesses)
        return dict(loss_cls=total * 0 + self.built['weight'], num_fg=torch.tensor(3.))


def test_loss_passes_head_settings_and_targets_without_ignored_boxes():
    model = MODELS.build(yolox_cfg(num_classes=4, loss=dict(type='RecordingCriterion',
                                                            weight=2.5)))
    assert model.criterion.built == dict(num_classes=4, strides=(8, 16, 32), weight=2.5)
    samples = [dict(gt_bboxes=torch.tensor([[0., 0., 8., 8.], [4., 4., 20., 20.]]),
                    gt_labels=torch.tensor([1, 3]), gt_ignore=torch.tensor([True, False])),
               dict(gt_bboxes=torch.zeros(0, 4), gt_labels=torch.zeros(0, dtype=torch.int64))]
    model.use_l1 = True
    losses = model(torch.rand(2, 3, 32, 32), samples, mode='loss')
    assert losses['loss_cls'].item() == 2.5 and losses['num_fg'].item() == 3.
    call, = model.criterion.calls
    assert call['levels'] == 3 and call['use_l1'] is True
    assert call['gt_bboxes'][0].tolist() == [[4., 4., 20., 20.]]
    assert call['gt_labels'][0].tolist() == [3] and call['gt_labels'][1].shape == (0,)


def test_loss_input_errors_are_named():
    model = MODELS.build(yolox_cfg(loss=dict(type='RecordingCriterion')))
    with pytest.raises(KeyError, match=r"data_samples\[0\] has no \['gt_labels'\]"):
        model.loss(torch.rand(1, 3, 32, 32), [dict(gt_bboxes=torch.zeros(0, 4))])
    with pytest.raises(ValueError, match=r'gt_bboxes must be G x 4 and gt_labels G'):
        model.loss(torch.rand(1, 3, 32, 32), [dict(gt_bboxes=torch.zeros(2, 5),
                                                   gt_labels=torch.zeros(2).long())])
    with pytest.raises(ValueError, match='loss must not set .*num_classes.*come from the head'):
        MODELS.build(yolox_cfg(loss=dict(num_classes=3)))
    with pytest.raises(ValueError, match="loss.iou_los is not an argument of YOLOXCriterion "
                                         "\\(did you mean 'iou_loss'\\?\\)"):
        MODELS.build(yolox_cfg(loss=dict(iou_los='giou')))
    with pytest.raises(KeyError, match='YOLOXCriterio'):
        MODELS.build(yolox_cfg(loss=dict(type='YOLOXCriterio')))


def test_loss_arguments_reach_the_criterion():
    cfg = yolox_cfg(num_classes=5, loss=dict(iou_loss='giou', reg_weight=2.0,
                                             center_radius=1.5, candidate_topk=5))
    cfg['head']['strides'] = (8, 16, 64)
    criterion = MODELS.build(cfg).criterion
    assert criterion.num_classes == 5 and criterion.strides == (8, 16, 64)
    assert criterion.iou_loss.mode == 'giou' and criterion.reg_weight == 2.0
    assert criterion.assigner.center_radius == 1.5 and criterion.assigner.candidate_topk == 5


@pytest.mark.parametrize('key, value, message', [
    ('score_thr', 1.5, 'score_thr must be in'), ('nms_iou_thr', 0.0, 'nms_iou_thr must be in'),
    ('max_per_img', 0, 'max_per_img must be a positive integer')])
def test_bad_thresholds_are_named(key, value, message):
    with pytest.raises(ValueError, match=message):
        MODELS.build(yolox_cfg(**{key: value}))


def test_default_input_is_unnormalised_bgr():
    model = MODELS.build(yolox_cfg())
    assert isinstance(model, YOLOX)
    assert model.data_preprocessor.to_bgr and not model.data_preprocessor.normalise
    rgb = torch.zeros(1, 3, 32, 32, dtype=torch.uint8)
    rgb[:, 0] = 200  # red
    batch = model.data_preprocessor(dict(inputs=rgb, data_samples=[{}]), False)
    assert batch['inputs'][0, 2].max().item() == 200. and batch['inputs'][0, 0].max().item() == 0


def _training_batch():
    """Two 64 x 64 images: one with two bright boxes, one without objects."""
    images = torch.full((2, 3, 64, 64), 40, dtype=torch.uint8)
    boxes = torch.tensor([[8., 8., 30., 28.], [36., 20., 60., 60.]])
    for x1, y1, x2, y2 in boxes.long().tolist():
        images[0, :, y1:y2, x1:x2] = 220
    samples = [dict(gt_bboxes=boxes, gt_labels=torch.tensor([0, 2]),
                    gt_ignore=torch.tensor([False, False])),
               dict(gt_bboxes=torch.zeros(0, 4), gt_labels=torch.zeros(0, dtype=torch.int64),
                    gt_ignore=torch.zeros(0, dtype=torch.bool))]
    for sample in samples:
        sample['batch_input_shape'] = (64, 64)
    return dict(inputs=images, data_samples=samples)


def test_loss_decreases_on_a_repeated_batch_with_the_l1_switch_on():
    from mmengine.optim import OptimWrapper
    torch.manual_seed(0)
    model = MODELS.build(yolox_cfg(widen=0.125)).train()
    model.use_l1 = True
    wrapper = OptimWrapper(torch.optim.Adam(model.parameters(), lr=1e-3))
    logs = [model.train_step(_training_batch(), wrapper) for _ in range(30)]
    assert set(logs[0]) >= {'loss', 'loss_cls', 'loss_bbox', 'loss_obj', 'loss_l1', 'num_fg'}
    assert logs[0]['num_fg'].item() > 0 and logs[0]['loss_l1'].item() > 0
    first = logs[0]['loss'].item()
    last = sum(log['loss'].item() for log in logs[-5:]) / 5  # SimOTA re-assigns: average
    assert math.isfinite(last) and last < 0.7 * first, (first, last)


def resnet_yolox_cfg(**neck) -> dict:
    """YOLOX on a ResNet-18 (strides 8, 16, 32: 128, 256, 512 channels), neck widths 32-128."""
    cfg = yolox_cfg(widen=0.125)
    cfg['backbone'] = dict(type='ResNet', depth=18, out_indices=(1, 2, 3))
    cfg['neck'].update(backbone_channels=(128, 256, 512), **neck)
    return cfg


def test_a_resnet_backbone_trains_under_the_yolox_neck_and_head():
    from mmengine.optim import OptimWrapper
    torch.manual_seed(0)
    model = MODELS.build(resnet_yolox_cfg()).train()
    assert model.neck.input_channels == model.backbone.out_channels == [128, 256, 512]
    wrapper = OptimWrapper(torch.optim.Adam(model.parameters(), lr=1e-3))
    logs = [model.train_step(_training_batch(), wrapper) for _ in range(8)]
    first, last = logs[0]['loss'].item(), logs[-1]['loss'].item()
    assert logs[0]['num_fg'].item() > 0 and math.isfinite(last) and last < first, (first, last)
    detections = model.eval()(**model.data_preprocessor(_training_batch(), False),
                              mode='predict')
    assert len(detections) == 2


@pytest.mark.parametrize('part, change, message', [
    ('neck', dict(backbone_channels=None),
     r'model.backbone \(ResNet\) gives maps with \[128, 256, 512\] channels but model.neck '
     r'\(YOLOXPAFPN\) takes \[32, 64, 128\]: set model.neck.backbone_channels'),
    ('head', dict(widen_factor=0.25),
     r'model.neck \(YOLOXPAFPN\) gives maps with \[32, 64, 128\] channels but model.head '
     r'\(YOLOXHead\) takes \[64, 128, 256\]')])
def test_widths_that_do_not_chain_are_a_build_error(part, change, message):
    cfg = resnet_yolox_cfg()
    cfg[part].update(change)
    with pytest.raises(ValueError, match=message):
        MODELS.build(cfg)


def test_an_image_without_objects_gives_a_finite_loss_and_gradients():
    model = MODELS.build(yolox_cfg()).train()
    batch = _training_batch()
    data = model.data_preprocessor(dict(inputs=batch['inputs'][1:],
                                        data_samples=batch['data_samples'][1:]), True)
    losses = model(**data, mode='loss')
    assert losses['num_fg'].item() == 0
    assert losses['loss_bbox'].item() == 0 and losses['loss_l1'].item() == 0
    total = sum(v for k, v in losses.items() if k.startswith('loss'))
    assert torch.isfinite(total) and total.item() > 0  # objectness: every prior is background
    total.backward()
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    assert grads and all(torch.isfinite(g).all() for g in grads)
