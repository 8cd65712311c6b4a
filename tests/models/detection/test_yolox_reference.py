"""Our YOLOX against Megvii's: its checkpoints load by name, raw head maps and final detections
are the same (fixtures made by tests/fixtures/yolox_reference/make_megvii_yolox_network.py)."""
from pathlib import Path

import pytest
import torch

from easycv_like.registry import MODELS
from easycv_like.utils.weight_loading import load_weights

FIXTURES = Path(__file__).resolve().parents[2] / 'fixtures' / 'yolox_reference'
REFERENCE = torch.load(FIXTURES / 'megvii_yolox_outputs.pth', weights_only=True)
VARIANTS = sorted(REFERENCE['variants'])


def yolox_cfg(depthwise: bool, **extra) -> dict:
    parts = dict(deepen_factor=REFERENCE['depth'], widen_factor=REFERENCE['width'],
                 depthwise=depthwise)
    return dict(type='YOLOX', backbone=dict(type='CSPDarknet', **parts),
                neck=dict(type='YOLOXPAFPN', **parts),
                head=dict(type='YOLOXHead', num_classes=REFERENCE['num_classes'],
                          widen_factor=REFERENCE['width'], depthwise=depthwise),
                score_thr=REFERENCE['score_thr'], nms_iou_thr=REFERENCE['nms_iou_thr'],
                max_per_img=1000, **extra)


def loaded_yolox(variant: str):
    model = MODELS.build(yolox_cfg(REFERENCE['variants'][variant]['depthwise']))
    report = load_weights(model, FIXTURES / f'megvii_yolox_{variant}.pth', strict=True)
    return model.eval(), report


def test_both_variants_are_in_the_fixture():
    assert VARIANTS == ['depthwise', 'plain']
    assert REFERENCE['images'].shape == (2, 3, 64, 64)


@pytest.mark.parametrize('variant', VARIANTS)
def test_megvii_checkpoint_loads_strictly_by_name(variant):
    model, report = loaded_yolox(variant)
    assert report.containers == ['model'] and report.complete
    assert report.match_fraction == 1.0
    theirs = torch.load(FIXTURES / f'megvii_yolox_{variant}.pth', weights_only=True)['model']
    bu_conv = 'bu_conv1.pconv.conv.weight' if variant == 'depthwise' else 'bu_conv1.conv.weight'
    pairs = [('backbone.stem.conv.conv.weight', 'backbone.backbone.stem.conv.conv.weight'),
             ('backbone.dark5.1.conv2.bn.running_var',
              'backbone.backbone.dark5.1.conv2.bn.running_var'),
             ('neck.C3_n4.conv3.bn.weight', 'backbone.C3_n4.conv3.bn.weight'),
             (f'neck.{bu_conv}', f'backbone.{bu_conv}'),
             ('head.cls_preds.2.bias', 'head.cls_preds.2.bias')]
    state = model.state_dict()
    for ours, megvii in pairs:
        assert torch.equal(state[ours], theirs[megvii].float()), ours
    assert model.use_l1 is False  # Megvii's files carry no switch: ours keeps its value


# Float32 precision, not more: the fixtures were computed on another CPU, whose kernels sum in
# another order. The random-weight depthwise model (BN eps 1e-3) has maps up to ~30, where
# float32 itself is ~3e-4 off float64 (ours and Megvii's alike), so the tolerance follows each
# map's scale; the plain model's maps (~2) are held to ~1e-4.
def assert_equal_to_float_precision(mine, theirs, relative=5e-5):
    torch.testing.assert_close(mine, theirs, rtol=0, atol=relative * float(theirs.abs().max()))


@pytest.mark.parametrize('variant', VARIANTS)
def test_raw_head_outputs_equal_megvii(variant):
    model, _ = loaded_yolox(variant)
    reference = REFERENCE['variants'][variant]
    with torch.no_grad():
        outputs = model(REFERENCE['images'].float(), mode='tensor')
    for name, ours in zip(('cls_scores', 'bbox_preds', 'objectnesses'), outputs):
        assert len(ours) == 3
        for level, (mine, theirs) in enumerate(zip(ours, reference[name])):
            assert mine.shape == theirs.shape, (name, level)
            assert_equal_to_float_precision(mine, theirs)


@pytest.mark.parametrize('variant', VARIANTS)
def test_predict_boxes_equal_megvii_decode_and_postprocess(variant):
    model, _ = loaded_yolox(variant)
    with torch.no_grad():
        detections = model.predict_boxes(REFERENCE['images'].float(), [{}, {}])
    for (boxes, scores, labels), theirs in zip(detections,
                                               REFERENCE['variants'][variant]['detections']):
        assert len(theirs) > 0 and len(boxes) == len(theirs)
        assert_equal_to_float_precision(boxes, theirs[:, :4], relative=5e-4)
        torch.testing.assert_close(scores, theirs[:, 4] * theirs[:, 5], atol=1e-5, rtol=1e-4)
        assert torch.equal(labels, theirs[:, 6].long())


def test_nms_and_threshold_had_work_in_the_reference():
    """The fixture exercises both: cells below the threshold and boxes suppressed by NMS."""
    cells = sum(h * w for h, w in ((8, 8), (4, 4), (2, 2)))
    counts = [len(d) for v in REFERENCE['variants'].values() for d in v['detections']]
    assert max(counts) < cells and min(counts) > 0


def test_megvii_checkpoint_through_pretrained_init_cfg():
    path = FIXTURES / 'megvii_yolox_plain.pth'
    model = MODELS.build(yolox_cfg(False, init_cfg=dict(type='Pretrained', checkpoint=str(path))))
    model.init_weights()
    theirs = torch.load(path, weights_only=True)['model']
    assert torch.equal(model.neck.lateral_conv0.conv.weight,
                       theirs['backbone.lateral_conv0.conv.weight'].float())
    assert torch.equal(model.head.obj_preds[0].bias, theirs['head.obj_preds.0.bias'].float())


def test_a_backbone_alone_starts_from_a_megvii_file_by_prefix():
    path = FIXTURES / 'megvii_yolox_plain.pth'
    backbone = MODELS.build(dict(
        type='CSPDarknet', deepen_factor=REFERENCE['depth'], widen_factor=REFERENCE['width'],
        init_cfg=dict(type='Pretrained', checkpoint=str(path), prefix='backbone.backbone.',
                      strict=True)))
    backbone.init_weights()
    theirs = torch.load(path, weights_only=True)['model']
    assert torch.equal(backbone.dark4[1].conv3.bn.running_mean,
                       theirs['backbone.backbone.dark4.1.conv3.bn.running_mean'].float())
