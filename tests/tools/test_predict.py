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


def test_annotated_copies_of_inputs_sharing_a_name_do_not_overwrite_each_other(tmp_path):
    from easycv_like.apis.predict import annotated_names, main
    sizes = {'a/x.jpg': (40, 64), 'a/x.png': (32, 48), 'b/x.jpg': (24, 40), 'b/y.bmp': (16, 16)}
    for rel, (h, w) in sizes.items():
        (tmp_path / rel).parent.mkdir(exist_ok=True)
        _write_image(tmp_path / rel, bright_rect_image(h, w, (2, 2, 8, 8)))
    records = main([detector_checkpoint(tmp_path), str(tmp_path / 'a'), str(tmp_path / 'b'),
                    '--out-dir', str(tmp_path / 'out')])
    names = [r['annotated'].rsplit('/', 1)[-1] for r in records]
    assert names == ['x.jpg.png', 'x.png.png', 'x.jpg-2.png', 'y.png']
    for record in records:  # each copy is of its own image
        drawn = cv2.imread(record['annotated'])
        assert drawn.shape[:2] == sizes[record['path'][len(str(tmp_path)) + 1:]]
    assert annotated_names(['p/a.jpg.png', 'q/a.jpg', 'q/a.png']) == [
        'a.jpg.png', 'a.jpg-2.png', 'a.png.png']


def test_detection_boxes_are_in_the_upright_frame_of_an_exif_turned_photo(tmp_path):
    from PIL import Image
    stored = bright_rect_image(40, 64, (8, 4, 24, 12))  # bright box in the stored pixels
    pil = Image.fromarray(stored)
    exif = pil.getexif()
    exif[0x0112] = 6  # shown turned 90 degrees clockwise: 40 wide, 64 high
    path = str(tmp_path / 'turned.jpg')
    pil.save(path, exif=exif, quality=95)
    predictor = DetectionPredictor(detector_checkpoint(tmp_path))
    upright = bright_rect_image(64, 40, (28, 8, 36, 24))
    expected = predictor.predict(upright)[0]['bboxes']
    for item in (path, Image.open(path)):
        result = predictor.predict(item)[0]
        np.testing.assert_allclose(result['bboxes'], expected, atol=1.5)


def test_annotated_images_only_when_out_dir_is_given(tmp_path, monkeypatch, capsys):
    """``--json -`` (or plain text) writes no image files: nothing appears in ./predictions."""
    import json

    import predict
    monkeypatch.chdir(tmp_path)
    image = _write_image(tmp_path / 'scene.png', bright_rect_image(40, 64, (8, 10, 24, 20)))
    detector, segmentor = detector_checkpoint(tmp_path), segmentor_checkpoint(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    predict.main([detector, image, '--json', '-'])
    records = json.loads(capsys.readouterr().out)
    assert records[0]['boxes'][0]['class_name'] == 'square' and 'annotated' not in records[0]
    predict.main([segmentor, image])
    assert capsys.readouterr().out == f'{image}: classes present: 0 (circle), 1 (square)\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    for argv in ([detector, image, '--topk', '2'], [segmentor, image, '--score-thr', '0.5']):
        with pytest.raises(SystemExit) as exit_info:
            predict.main(argv)
        assert exit_info.value.code == 2
        assert f'{argv[2]} does nothing for {argv[0]}' in capsys.readouterr().err
