"""tools/predict.py writes annotated images for detection and segmentation checkpoints."""
import cv2
import numpy as np
import pytest
import torch

from easycv_like.predictors import (ClassificationPredictor, DetectionPredictor,
                                    SegmentationPredictor, predictor_class)
from easycv_like.utils.safe_build import UntrustedConfigError

from ..predictors.dense_checkpoints import (bright_rect_image, detector_checkpoint,
                                            segmentor_checkpoint, write_checkpoint)


def _write_image(path, img):
    cv2.imwrite(str(path), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
    return str(path)


def test_predictor_class_follows_the_model(tmp_path, trained_run):
    assert predictor_class(detector_checkpoint(tmp_path)) is DetectionPredictor
    assert predictor_class(segmentor_checkpoint(tmp_path)) is SegmentationPredictor
    assert predictor_class(trained_run['checkpoint']) is ClassificationPredictor


def test_unregistered_model_type_is_refused(tmp_path):
    path = write_checkpoint(tmp_path / 'bad.pth', torch.nn.Linear(1, 1), [], None)
    with pytest.raises(UntrustedConfigError, match="'Linear' at model.type"):
        predictor_class(path)


def test_detection_and_segmentation_images_are_written(tmp_path, capsys):
    import predict
    image = _write_image(tmp_path / 'scene.png', bright_rect_image(40, 64, (8, 10, 24, 20)))
    predict.main([detector_checkpoint(tmp_path), image, '--out-dir', str(tmp_path / 'det')])
    assert 'scene.png: 1 boxes square 0.90' in capsys.readouterr().out
    drawn = cv2.imread(str(tmp_path / 'det' / 'scene.png'))
    assert drawn.shape == (40, 64, 3)
    assert drawn[10, 8].tolist() != [250, 250, 250] and drawn[15, 15].tolist() == [250] * 3

    predict.main([segmentor_checkpoint(tmp_path), image, '--out-dir', str(tmp_path / 'seg')])
    assert 'classes present: 0 (circle), 1 (square)' in capsys.readouterr().out
    overlay = cv2.imread(str(tmp_path / 'seg' / 'scene.png'))
    assert overlay[0, 0].tolist() == [30, 30, 30]  # background kept
    assert not np.array_equal(overlay[15, 15], [250, 250, 250])  # class 1 tinted
