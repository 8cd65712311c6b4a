"""Predictor inputs: paths, PIL images and arrays, one or a list; errors name the item."""
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from PIL import Image

from easycv_like.predictors import ClassificationPredictor, FeatureExtractor
from easycv_like.predictors.classification_predictor import NoClassifierError
from easycv_like.predictors.image_inputs import (ImageInputError, as_image_list, to_rgb_array,
                                                 to_rgb_arrays)
from easycv_like.registry import MODELS


@pytest.fixture
def rgb():
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (5, 7, 3), dtype=np.uint8)


@pytest.fixture
def png(tmp_path, rgb):
    path = str(tmp_path / 'img.png')
    assert cv2.imwrite(path, cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    return path


def test_path_pil_and_array_give_the_same_pixels(png, rgb):
    from_path = to_rgb_array(png)
    from_pil = to_rgb_array(Image.open(png))
    np.testing.assert_array_equal(from_path, rgb)
    np.testing.assert_array_equal(from_pil, rgb)
    np.testing.assert_array_equal(to_rgb_array(rgb), rgb)
    assert from_pil.flags.writeable and from_path.dtype == np.uint8


def test_single_items_and_lists(png, rgb):
    assert len(to_rgb_arrays(png)) == 1 and len(to_rgb_arrays(rgb)) == 1
    assert len(to_rgb_arrays(Image.fromarray(rgb))) == 1
    mixed = to_rgb_arrays([png, Image.fromarray(rgb), rgb, (png,)[0]])
    assert len(mixed) == 4 and all(np.array_equal(m, rgb) for m in mixed)
    assert len(as_image_list(np.stack([rgb, rgb, rgb]))) == 3  # N x H x W x C: N images


def test_grey_single_channel_and_rgba_become_rgb(rgb):
    grey = rgb[:, :, 0]
    out = to_rgb_array(grey)
    assert out.shape == (5, 7, 3) and (out == grey[:, :, None]).all()
    assert to_rgb_array(grey[:, :, None]).shape == (5, 7, 3)
    rgba = np.concatenate([rgb, np.full((5, 7, 1), 255, np.uint8)], axis=2)
    np.testing.assert_array_equal(to_rgb_array(rgba), rgb)
    np.testing.assert_array_equal(to_rgb_array(Image.fromarray(grey)), np.repeat(
        grey[:, :, None], 3, axis=2))


def test_missing_file_is_named(tmp_path, rgb):
    missing = str(tmp_path / 'nope.jpg')
    with pytest.raises(ImageInputError, match=r"images\[1\]: no such file .*nope\.jpg"):
        to_rgb_arrays([rgb, missing])


def test_folder_is_named(tmp_path):
    with pytest.raises(ImageInputError, match=r"images\[0\]: .* is a folder, not an image file"):
        to_rgb_arrays(str(tmp_path))


def test_non_image_file_is_named(tmp_path, png):
    text = tmp_path / 'notes.txt'
    text.write_text('hello, not pixels')
    with pytest.raises(ImageInputError, match=r"images\[1\]: .*notes\.txt' is not a usable "
                                              r"image: not a decodable image"):
        to_rgb_arrays([png, str(text)])
    empty = tmp_path / 'empty.png'
    empty.write_bytes(b'')
    with pytest.raises(ImageInputError, match=r'empty\.png.*empty \(0 bytes\)'):
        to_rgb_arrays(str(empty))


@pytest.mark.parametrize('bad, message', [
    (np.zeros((4, 4, 3), np.float32), r'images\[0\]: expected a uint8 array .* got float32'),
    (np.zeros((3, 8, 8), np.uint8), r'got shape \(3, 8, 8\)\. It looks channels-first'),
    (np.zeros((8, 8, 2), np.uint8), r'got shape \(8, 8, 2\)'),
    (np.zeros((0, 8, 3), np.uint8), r'got shape \(0, 8, 3\)'),
    (12, r'Expected an image .* got int'),
    ([np.zeros((4, 4, 3), np.uint8), 3.5], r'images\[1\]: expected a file path, .* got float'),
    ([], 'No images given'),
])
def test_bad_inputs_are_named(bad, message):
    with pytest.raises(ImageInputError, match=message):
        to_rgb_arrays(bad)


def test_predictors_accept_every_form(trained_run, tiny_digits):
    paths = [osp.join(tiny_digits, 'images', f'{i:04d}.png') for i in (0, 1, 2)]
    arrays = [cv2.cvtColor(cv2.imread(p), cv2.COLOR_BGR2RGB) for p in paths]
    predictor = ClassificationPredictor(trained_run['checkpoint'])
    expected = predictor.predict(arrays)
    assert predictor.predict(paths) == expected
    assert predictor.predict([Image.open(p) for p in paths]) == expected
    assert predictor.predict(paths[0]) == expected[:1]
    assert predictor.predict([paths[0], Image.open(paths[1]), arrays[2]]) == expected
    with pytest.raises(ImageInputError, match=r'images\[2\]: no such file'):
        predictor.predict([paths[0], paths[1], paths[2] + '.missing'])
    extractor = FeatureExtractor(trained_run['checkpoint'])
    np.testing.assert_allclose(extractor.extract(paths[1]), extractor.extract([arrays[1]]))


def test_self_supervised_checkpoint_has_no_classifier(tmp_path):
    vit = dict(type='VisionTransformer', img_size=16, patch_size=4, embed_dim=32, depth=1,
               num_heads=2)
    neck = dict(type='DINONeck', in_channels=32, out_channels=16, hid_channels=24,
                bottleneck_channels=8)
    model_cfg = dict(type='DINO', backbone=vit, neck=neck,
                     head=dict(type='DINOHead', out_channels=16))
    model = MODELS.build(model_cfg)
    path = str(tmp_path / 'dino.pth')
    torch.save({'state_dict': model.state_dict(),
                'meta': {'config_dict': dict(model=model_cfg)}}, path)
    with pytest.raises(NoClassifierError, match=r'dino\.pth holds a self-supervised DINO model: '
                                                r'it has no classifier.*tools/extract_features'):
        ClassificationPredictor(path)
    features = FeatureExtractor(path).extract(np.zeros((16, 16, 3), np.uint8))
    assert features.shape == (1, 32)


def _png_with_orientation(path, img, orientation):
    pil = Image.fromarray(img)
    exif = pil.getexif()
    exif[0x0112] = orientation  # EXIF Orientation
    pil.save(path, exif=exif)
    return str(path)


@pytest.mark.parametrize('orientation', range(1, 9))
def test_exif_orientation_is_applied_to_paths_and_pil_images_alike(tmp_path, rgb, orientation):
    path = _png_with_orientation(tmp_path / 'turned.png', rgb, orientation)
    from_path = to_rgb_array(path)
    assert from_path.shape == ((5, 7, 3) if orientation < 5 else (7, 5, 3))
    np.testing.assert_array_equal(to_rgb_array(Image.open(path)), from_path)
    if orientation == 6:  # 90 degrees clockwise: the first column becomes the first row
        np.testing.assert_array_equal(from_path[0], rgb[::-1, 0])


def test_16_bit_pil_images_keep_their_top_8_bits_like_the_decoded_file(tmp_path):
    grey16 = np.arange(0, 65536, 257 * 3, dtype=np.uint16).reshape(86, 1)[:85].reshape(5, 17)
    path = str(tmp_path / 'grey16.png')
    assert cv2.imwrite(path, grey16)
    pil = Image.open(path)
    assert pil.mode == 'I;16'
    expected = np.repeat((grey16 >> 8).astype(np.uint8)[:, :, None], 3, axis=2)
    np.testing.assert_array_equal(to_rgb_array(path), expected)
    np.testing.assert_array_equal(to_rgb_array(pil), expected)  # convert('RGB') gave 255s
    with pytest.raises(ImageInputError, match=r"images\[0\]: a PIL image of mode 'I'"):
        to_rgb_arrays(Image.fromarray(grey16.astype(np.int32)))
    with pytest.raises(ImageInputError, match=r'\(img >> 8\)\.astype\(np\.uint8\) for 16-bit'):
        to_rgb_array(grey16)


def test_alpha_is_dropped_not_composited_for_every_input_form(tmp_path, rgb):
    rgba = np.concatenate([rgb, np.zeros((5, 7, 1), np.uint8)], axis=2)  # fully transparent
    path = str(tmp_path / 'clear.png')
    Image.fromarray(rgba, 'RGBA').save(path)
    for item in (path, Image.open(path), rgba):
        np.testing.assert_array_equal(to_rgb_array(item), rgb)
