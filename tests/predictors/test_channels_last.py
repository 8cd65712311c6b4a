"""``channels_last`` in predictors: the config key (what training honours) or the argument puts the
weights and the batches in channels-last memory format, with the same detections."""
import numpy as np
import torch

from easycv_like.models.channels_last import to_channels_last
from easycv_like.predictors import DetectionPredictor

from .test_foreign_weights import MEGVII_PLAIN, tiny_yolox_config


def _stem_is_channels_last(predictor) -> bool:
    weight = predictor.model.backbone.stem.conv.conv.weight
    return weight.is_contiguous(memory_format=torch.channels_last) and not weight.is_contiguous()


def test_argument_and_config_key_give_channels_last_with_equal_detections(tmp_path):
    config = tiny_yolox_config(tmp_path)
    images = list(np.random.default_rng(0).integers(0, 256, (2, 64, 64, 3), np.uint8))
    default = DetectionPredictor(MEGVII_PLAIN, config=config)
    fast = DetectionPredictor(MEGVII_PLAIN, config=config, channels_last=True)
    assert not _stem_is_channels_last(default) and _stem_is_channels_last(fast)
    assert fast.model.data_preprocessor.channels_last is True
    batch = fast.model.data_preprocessor(fast.collate(images), False)['inputs']
    assert batch.is_contiguous(memory_format=torch.channels_last)
    for ours, reference in zip(fast.predict(images), default.predict(images)):
        assert len(ours['scores']) == len(reference['scores']) > 0
        np.testing.assert_allclose(ours['bboxes'], reference['bboxes'], atol=1e-2)  # summation order
        np.testing.assert_allclose(ours['scores'], reference['scores'], atol=1e-4)  # same

    keyed = tmp_path / 'keyed.py'
    keyed.write_text(f"_base_ = {config!r}\nchannels_last = True\n")
    assert _stem_is_channels_last(DetectionPredictor(MEGVII_PLAIN, config=str(keyed)))
    assert not _stem_is_channels_last(
        DetectionPredictor(MEGVII_PLAIN, config=str(keyed), channels_last=False))


def test_predict_cli_channels_last_flag(tmp_path, monkeypatch):
    import cv2

    from easycv_like.apis.predict import main
    from easycv_like.predictors import base
    cv2.imwrite(str(tmp_path / 'x.png'), np.full((64, 64, 3), 90, np.uint8))
    converted = []
    monkeypatch.setattr(base, 'to_channels_last',
                        lambda model: converted.append(model) or to_channels_last(model))
    argv = [MEGVII_PLAIN, str(tmp_path / 'x.png'), '--config', tiny_yolox_config(tmp_path),
            '--score-thr', '0', '--out-dir', str(tmp_path / 'out')]
    plain = main(argv)
    assert converted == []
    fast = main(argv + ['--channels-last'])
    assert len(converted) == 1
    assert [b['label'] for b in fast[0]['boxes']] == [b['label'] for b in plain[0]['boxes']]
