"""Predictors built from a config with another project's weights: Megvii's YOLOX file and a
torchvision LR-ASPP state dict give the same results through our configs as through their code."""
from pathlib import Path

import numpy as np
import pytest
import torch
import torchvision
from mmengine.config import Config

from easycv_like.engine.class_checks import ClassMismatchError
from easycv_like.engine.config_schema import ConfigError
from easycv_like.predictors import DetectionPredictor, SegmentationPredictor, predictor_class
from easycv_like.utils.checkpoint import CheckpointLoadError
from easycv_like.utils.weight_loading import WeightLoadError

from .dense_checkpoints import detector_checkpoint

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / 'tests' / 'fixtures' / 'yolox_reference'
LRASPP_CONFIG = str(ROOT / 'configs' / 'segmentation' / 'lraspp_mobilenet_v3_large_voc.py')
MEGVII_PLAIN = str(FIXTURES / 'megvii_yolox_plain.pth')


def tiny_yolox_config(tmp_path, classes=('a', 'b', 'c')) -> str:
    """Our YOLOX-s COCO config shrunk to the Megvii fixture's network (depth 0.33, width 0.0625,
    3 classes) and its 64 px input."""
    reference = torch.load(FIXTURES / 'megvii_yolox_outputs.pth', weights_only=True)
    depth, width = reference['depth'], reference['width']
    path = tmp_path / 'yolox_tiny_reference.py'
    path.write_text(f"""
_base_ = {str(ROOT / 'configs/detection/yolox/yolox_s_8xb8_300e_coco.py')!r}
model = dict(backbone=dict(deepen_factor={depth}, widen_factor={width}),
             neck=dict(deepen_factor={depth}, widen_factor={width}),
             head=dict(num_classes={reference['num_classes']}, widen_factor={width}),
             score_thr={reference['score_thr']}, nms_iou_thr={reference['nms_iou_thr']},
             max_per_img=1000)
data = dict(val=dict(data_source=dict(classes={list(classes)!r}),
                     pipeline=[dict(type='LoadImage'),
                               dict(type='Letterbox', size=(64, 64), pad_value=114),
                               dict(type='PackDetInputs')]))
""")
    return str(path)


def test_megvii_yolox_file_predicts_as_megvii_through_our_config(tmp_path):
    reference = torch.load(FIXTURES / 'megvii_yolox_outputs.pth', weights_only=True)
    config = tiny_yolox_config(tmp_path)
    assert predictor_class(MEGVII_PLAIN, config=Config.fromfile(config)) is DetectionPredictor
    predictor = DetectionPredictor(MEGVII_PLAIN, config=config)
    assert predictor.classes == ['a', 'b', 'c']
    bgr = reference['images'].permute(0, 2, 3, 1).numpy()  # Megvii's input is BGR
    results = predictor.predict([np.ascontiguousarray(img[..., ::-1]) for img in bgr])
    for ours, theirs in zip(results, reference['variants']['plain']['detections']):
        theirs = theirs[torch.argsort(-(theirs[:, 4] * theirs[:, 5]), stable=True)]
        assert len(theirs) > 0 and len(ours['scores']) == len(theirs)
        clipped = theirs[:, :4].clamp(0, 64).numpy()  # ours are clipped to the image
        np.testing.assert_allclose(ours['bboxes'], clipped, atol=1e-2, rtol=1e-3)
        np.testing.assert_allclose(ours['scores'], (theirs[:, 4] * theirs[:, 5]).numpy(),
                                   atol=1e-5, rtol=1e-4)
        assert ours['labels'].tolist() == theirs[:, 6].long().tolist()
        assert ours['label_names'] == [['a', 'b', 'c'][i] for i in ours['labels']]


def test_torchvision_lraspp_weights_segment_as_torchvision_through_our_config(tmp_path):
    torch.manual_seed(0)
    theirs = torchvision.models.segmentation.lraspp_mobilenet_v3_large(
        weights=None, weights_backbone=None, num_classes=21).eval()
    with torch.no_grad():  # spread the logits, so the map holds many classes
        for conv in (theirs.classifier.low_classifier, theirs.classifier.high_classifier):
            conv.weight.normal_(0, 1)
    path = tmp_path / 'lraspp.pth'
    torch.save(theirs.state_dict(), path)
    predictor = SegmentationPredictor(str(path), config=LRASPP_CONFIG)
    assert predictor.classes[:2] == ['background', 'aeroplane'] and len(predictor.classes) == 21
    img = np.random.default_rng(0).integers(0, 256, (520, 520, 3), np.uint8)  # 520: no resize
    ours = predictor.predict(img)[0]['seg_map']
    mean, std = torch.tensor([123.675, 116.28, 103.53]), torch.tensor([58.395, 57.12, 57.375])
    x = ((torch.from_numpy(img).float() - mean) / std).permute(2, 0, 1)[None]
    with torch.no_grad():
        expected = theirs(x)['out'].argmax(1)[0].numpy()
    assert ours.shape == (520, 520) and len(np.unique(expected)) > 1
    assert (ours == expected).mean() > 0.999  # ties of equal logits may break either way


def test_weights_that_do_not_fit_the_config_are_refused():
    with pytest.raises(WeightLoadError, match='backbone.backbone.stem.conv.conv.weight|missing'):
        SegmentationPredictor(MEGVII_PLAIN, config=LRASPP_CONFIG)


def test_a_weight_file_alone_points_to_the_config_option(tmp_path):
    with pytest.raises(CheckpointLoadError, match='holds no config.*--config CONFIG'):
        DetectionPredictor(MEGVII_PLAIN)
    with pytest.raises(CheckpointLoadError, match='--config'):
        predictor_class(MEGVII_PLAIN)


def test_checkpoint_and_config_classes_must_agree(tmp_path):
    checkpoint = detector_checkpoint(tmp_path)  # stores classes ['circle', 'square']
    config = Config(torch.load(checkpoint, weights_only=True)['meta']['config_dict'])
    config.data.val.data_source.classes = ['circle', 'square']
    assert DetectionPredictor(checkpoint, config=config).classes == ['circle', 'square']
    config.data.val.data_source.classes = ['square', 'circle']
    with pytest.raises(ClassMismatchError, match='same names in another order'):
        DetectionPredictor(checkpoint, config=config)


def test_predict_cli_takes_a_config_for_foreign_weights(tmp_path, capsys):
    import cv2

    from easycv_like.apis.predict import main
    image = np.random.default_rng(3).integers(0, 256, (64, 64, 3), np.uint8)
    cv2.imwrite(str(tmp_path / 'x.png'), image)
    config = tiny_yolox_config(tmp_path)
    records = main([MEGVII_PLAIN, str(tmp_path / 'x.png'), '--config', config, '--score-thr',
                    '0', '--out-dir', str(tmp_path / 'out'), '--json', str(tmp_path / 'x.json')])
    assert len(records[0]['boxes']) > 0 and (tmp_path / 'out' / 'x.png').exists()
    assert {box['class_name'] for box in records[0]['boxes']} <= {'a', 'b', 'c'}
    for argv, message in (([MEGVII_PLAIN, str(tmp_path / 'x.png')], 'holds no model config'),
                          ([MEGVII_PLAIN, str(tmp_path / 'x.png'), '--config', 'nope.py'],
                           "no such config file 'nope.py'"),
                          ([MEGVII_PLAIN, str(tmp_path / 'x.png'), '--config', LRASPP_CONFIG],
                           'missing')):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2 and message in capsys.readouterr().err


@pytest.mark.parametrize('extra, message', [
    ('chanels_last = True', "Unknown top-level config key.*'chanels_last'.*'channels_last'"),
    ('model = dict(scor_thr=0.3)', r"model\.scor_thr for YOLOX.*'score_thr'"),
    ("data = dict(val=dict(colate=dict(type='pad_collate')))", r'data\.colate for DetDataset'),
])
def test_a_misspelt_key_in_the_config_is_named(tmp_path, extra, message):
    config = tmp_path / 'misspelt.py'
    config.write_text(f'_base_ = {tiny_yolox_config(tmp_path)!r}\n{extra}\n')
    with pytest.raises(ConfigError, match=message):
        DetectionPredictor(MEGVII_PLAIN, config=str(config))


def test_a_model_only_config_is_refused_naming_the_missing_dataset(tmp_path):
    """torchvision's ResNet-18 weights with a base model file (no data): the pipeline and the
    class names would be missing, said as such (not 'data.val needs a type=')."""
    from easycv_like.predictors import ClassificationPredictor
    weights = str(tmp_path / 'resnet18.pth')
    torch.save(torchvision.models.resnet18(num_classes=3).state_dict(), weights)
    config = tmp_path / 'model_only.py'
    base = Path(__file__).parents[2] / 'configs/_base_/models/resnet50_cls.py'
    config.write_text(f'_base_ = {str(base)!r}\nmodel = dict(backbone=dict(depth=18), '
                      'head=dict(in_channels=512, num_classes=3))\n')
    with pytest.raises(ConfigError, match=rf'config {config} has no inference dataset \(neither '
                                          r'eval_pipelines nor data\.val\)'):
        ClassificationPredictor(weights, config=str(config))
