"""A predictor given a checkpoint of another task refuses it when built, naming the one to use
(a segmentor's file in DetectionPredictor failed inside predict with KeyError: 'scores')."""
import numpy as np
import pytest
from torch import nn

from easycv_like.apis.extract_features import main as extract_main
from easycv_like.predictors import (ClassificationPredictor, DetectionPredictor,
                                    FeatureExtractor, SegmentationPredictor)
from easycv_like.predictors.model_task import WrongModelError, stored_model_note

from .dense_checkpoints import detector_checkpoint, segmentor_checkpoint


@pytest.fixture
def checkpoints(tmp_path, trained_run):
    return dict(detection=detector_checkpoint(tmp_path),
                segmentation=segmentor_checkpoint(tmp_path),
                classification=trained_run['checkpoint'])


@pytest.mark.parametrize('predictor_cls, task, model, use', [
    (DetectionPredictor, 'segmentation', 'BrightPixelSegmentor', 'SegmentationPredictor'),
    (DetectionPredictor, 'classification', 'Classification', 'ClassificationPredictor'),
    (SegmentationPredictor, 'detection', 'BrightBoxDetector', 'DetectionPredictor'),
    (ClassificationPredictor, 'segmentation', 'BrightPixelSegmentor', 'SegmentationPredictor'),
    (FeatureExtractor, 'detection', 'BrightBoxDetector', 'DetectionPredictor'),
])
def test_a_checkpoint_of_another_task_is_refused(checkpoints, predictor_cls, task, model, use):
    with pytest.raises(WrongModelError) as err:
        predictor_cls(checkpoints[task])
    assert str(err.value).startswith(f'{checkpoints[task]} holds a {model} model ({task}); '
                                     f'{predictor_cls.__name__} serves ')
    assert f'Use {use} for it' in str(err.value)


def test_each_predictor_takes_its_own_task(checkpoints):
    assert DetectionPredictor(checkpoints['detection']).tasks == ('detection',)
    assert SegmentationPredictor(checkpoints['segmentation']).tasks == ('segmentation',)
    features = FeatureExtractor(checkpoints['classification']).extract(
        np.zeros((16, 16, 3), np.uint8))
    assert features.shape == (1, 512)


def test_feature_extraction_refuses_a_detector_config(tmp_path, capsys):
    from ..conftest import REPO
    with pytest.raises(SystemExit) as exit_info:
        extract_main([f'{REPO}/configs/detection/demo/yolox_nano_shapes.py',
                      str(tmp_path / 'unused.pth'), '--split', 'val', '--device', 'cpu'])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert 'yolox_nano_shapes.py holds a YOLOX model (detection); feature extraction serves ' \
           'classification or self-supervised models. Use DetectionPredictor' in err


def test_stored_model_note_names_the_checkpoints_model_type():
    """tools/eval.py leads its weight-load error with it: a segmentor's file given with a
    classification config listed only keys, never what the file holds."""
    def stored(name):
        return dict(state_dict={}, meta=dict(config_dict=dict(model=dict(type=name))))
    assert stored_model_note(stored('Segmentation'), nn.Linear(1, 1), 'seg.pth') == (
        "seg.pth holds a Segmentation model (segmentation); the config's model is a Linear model "
        '(classification).')
    assert stored_model_note(stored('my.Net'), nn.Linear(1, 1), 'x.pth').startswith(
        'x.pth holds a my.Net model; ')  # not registered: named, nothing imported
    assert stored_model_note(stored('Linear'), nn.Linear(1, 1), 'x.pth') == ''  # same type
    assert stored_model_note(dict(state_dict={}), nn.Linear(1, 1), 'x.pth') == ''  # none stored
