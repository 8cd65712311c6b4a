"""DetectionPredictor: boxes in original image coordinates from a letterboxed, flipped input."""
import cv2
import numpy as np
import pytest

from easycv_like.predictors import DetectionPredictor, draw_detections

from .dense_checkpoints import bright_rect_image, detector_checkpoint


def test_boxes_land_in_original_coordinates(tmp_path):
    predictor = DetectionPredictor(detector_checkpoint(tmp_path))
    images = [bright_rect_image(40, 64, (8, 10, 24, 20)),  # letterboxed x0.5, 6 px pad on top
              bright_rect_image(24, 24),  # nothing to find
              bright_rect_image(16, 48, (0, 4, 8, 12))]
    results = predictor.predict(images, batch_size=2)
    assert len(results) == 3
    np.testing.assert_array_equal(results[0]['bboxes'], [[8, 10, 24, 20]])
    assert results[0]['bboxes'].dtype == np.float32
    assert results[0]['labels'].tolist() == [1] and results[0]['label_names'] == ['square']
    assert results[0]['scores'] == pytest.approx([0.9])
    assert results[1]['bboxes'].shape == (0, 4) and results[1]['label_names'] == []
    # scaled by 2/3 (not an exact pixel grid): within one input pixel, 1.5 original pixels
    np.testing.assert_allclose(results[2]['bboxes'], [[0, 4, 8, 12]], atol=1.5)
    assert predictor.predict(images[:1], score_thr=0.95)[0]['bboxes'].shape == (0, 4)


def test_draw_detections_outlines_the_box_in_its_class_colour(tmp_path):
    predictor = DetectionPredictor(detector_checkpoint(tmp_path))
    img = bright_rect_image(40, 64, (8, 10, 24, 20))
    det = predictor.predict([img])[0]
    palette = np.array([[255, 0, 0], [0, 255, 0]], np.uint8)
    drawn = draw_detections(img, det['bboxes'], det['labels'], det['scores'],
                            predictor.classes, palette=palette, thickness=1)
    assert drawn[10, 8].tolist() == [0, 255, 0] and drawn[19, 23].tolist() == [0, 255, 0]
    assert drawn[15, 15].tolist() == [250, 250, 250]  # inside the box: untouched
    assert img[10, 8].tolist() == [250, 250, 250]  # the input is not drawn on
    with pytest.raises(ValueError, match='RGB uint8'):
        draw_detections(img.astype(np.float32), det['bboxes'], det['labels'])


def test_bad_images_are_named(tmp_path):
    predictor = DetectionPredictor(detector_checkpoint(tmp_path))
    with pytest.raises(ValueError, match=r'images\[1\]: expected a uint8 array'):
        predictor.predict([bright_rect_image(8, 8), np.zeros((8, 8), np.float32)])
    with pytest.raises(ValueError, match=r"images\[0\]: no such file '.*missing.png'"):
        predictor.predict(str(tmp_path / 'missing.png'))


def test_files_and_single_images_are_accepted(tmp_path):
    predictor = DetectionPredictor(detector_checkpoint(tmp_path))
    img = bright_rect_image(40, 64, (8, 10, 24, 20))
    path = tmp_path / 'scene.png'
    cv2.imwrite(str(path), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
    from_file, = predictor.predict(str(path))
    from_array, = predictor.predict(img)
    np.testing.assert_array_equal(from_file['bboxes'], [[8, 10, 24, 20]])
    np.testing.assert_array_equal(from_array['bboxes'], from_file['bboxes'])


def test_score_thr_below_the_models_own_threshold_lowers_it(tmp_path):
    """``--score-thr 0`` silently gave only the boxes over YOLOX's score_thr (0.01)."""
    import torch
    from mmengine.config import Config

    from easycv_like.registry import MODELS
    from ..conftest import REPO
    cfg = Config.fromfile(f'{REPO}/configs/detection/demo/yolox_nano_shapes.py')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)  # untrained: scores near 0.01 x 0.01 (the prior biases)
    config = dict(cfg.to_dict(), eval_pipelines=[])  # the pipeline of data.val
    torch.save(dict(state_dict=model.state_dict(),
                    meta=dict(config_dict=config,
                              dataset_meta=dict(classes=['a', 'b', 'c']))), tmp_path / 'y.pth')
    predictor = DetectionPredictor(str(tmp_path / 'y.pth'))
    image = bright_rect_image(64, 64, (8, 8, 40, 40))
    kept = predictor.predict(image)[0]['scores']
    low = predictor.predict(image, score_thr=0.0)[0]['scores']
    assert (kept >= 0.01).all() and len(low) > len(kept)
    assert len(low) == 100 and (low < 0.01).all()  # max_per_img boxes
    assert predictor.model.score_thr == 0.01  # restored after the call
