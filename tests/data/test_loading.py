import cv2
import numpy as np
import pytest

from easycv_like.data.errors import BadSampleError
from easycv_like.data.image_integrity import find_image_defect
from easycv_like.data.transforms import LoadImage
from easycv_like.registry import TRANSFORMS

from .image_files import random_image, write_bad_images, write_image


def test_reads_png_as_rgb(tmp_path):
    img = random_image(1, 7, 9)
    path = write_image(str(tmp_path / 'a.png'), img)
    results = TRANSFORMS.build(dict(type='LoadImage'))({'img_path': path, 'gt_label': 2})
    assert results['img'].dtype == np.uint8 and results['img'].shape == (7, 9, 3)
    np.testing.assert_array_equal(results['img'], img)  # PNG is lossless, so RGB order is kept
    assert results['gt_label'] == 2 and results['ori_shape'] == (7, 9)


def test_grey_png_becomes_three_equal_channels(tmp_path):
    grey = random_image(2, 5, 6)[..., 0]
    path = write_image(str(tmp_path / 'g.png'), grey)
    img = LoadImage()({'img_path': path})['img']
    assert img.shape == (5, 6, 3)
    for channel in range(3):
        np.testing.assert_array_equal(img[..., channel], grey)


def test_in_memory_image_passes_through():
    img = random_image(3)
    results = LoadImage()({'img': img, 'gt_label': 1})
    assert results['img'] is img and results['img_path'] == ''


@pytest.mark.parametrize('name, why', [('truncated.jpg', 'truncated JPEG'),
                                       ('empty.png', 'empty (0 bytes)'),
                                       ('text.png', 'not a decodable image'),
                                       ('missing.png', 'cannot read')])
def test_bad_files_raise_naming_file_and_reason(tmp_path, name, why):
    write_bad_images(str(tmp_path))
    path = str(tmp_path / name)
    with pytest.raises(BadSampleError) as info:
        LoadImage()({'img_path': path})
    assert path in str(info.value) and why in str(info.value)
    assert info.value.paths == (path,)
    assert isinstance(info.value, ValueError)


def _garbled_jpeg(path):
    """A smooth 64 x 64 JPEG with four bytes of its compressed data flipped: every marker and
    length is intact (no truncation to find), but libjpeg reports corrupt data."""
    img = cv2.GaussianBlur(random_image(3, 64, 64), (9, 9), 3)
    data = bytearray(cv2.imencode('.jpg', img)[1].tobytes())
    sos = data.find(b'\xff\xda')
    start = sos + 2 + int.from_bytes(data[sos + 2:sos + 4], 'big')
    for pos in range(start + 200, start + 1000, 200):
        data[pos] ^= 0x55 if data[pos] ^ 0x55 != 0xFF else 0x33
    assert find_image_defect(bytes(data)) is None
    assert cv2.imdecode(np.frombuffer(bytes(data), np.uint8), cv2.IMREAD_COLOR) is not None
    path.write_bytes(bytes(data))
    return str(path)


def test_garbled_jpeg_that_still_decodes_is_a_bad_sample(tmp_path, capfd):
    path = _garbled_jpeg(tmp_path / 'garbled.jpg')
    capfd.readouterr()
    with pytest.raises(BadSampleError, match=rf"{path}.*reports corrupt compressed data "
                                             r"\(Corrupt JPEG data") as err:
        LoadImage()(dict(img_path=path))
    assert err.value.paths == (path,)
    good = write_image(str(tmp_path / 'good.jpg'), random_image(4, 32, 32))
    assert LoadImage()(dict(img_path=good))['img'].shape == (32, 32, 3)
    assert 'Corrupt JPEG' not in capfd.readouterr().err  # the strict decodes printed nothing
    assert LoadImage(reject_corrupt_jpeg=False)(dict(img_path=path))['img'].shape == (64, 64, 3)

def test_in_memory_images_get_ori_shape():
    out = LoadImage()({'img': np.zeros((7, 9, 3), np.uint8)})
    assert out['ori_shape'] == (7, 9) and out['img_shape'] == (7, 9)


def test_files_get_ori_shape(tmp_path):
    path = str(tmp_path / 'a.png')
    cv2.imwrite(path, np.zeros((5, 6, 3), np.uint8))
    assert LoadImage()({'img_path': path})['ori_shape'] == (5, 6)


def test_load_seg_map_keeps_palette_indices_and_checks_size(tmp_path):
    from PIL import Image

    from easycv_like.data.transforms import LoadSegMap
    indices = np.array([[0, 1, 2], [255, 1, 0]], np.uint8)
    png = Image.fromarray(indices, mode='P')
    png.putpalette([0, 0, 0, 200, 0, 0, 0, 200, 0] + [255] * (253 * 3))
    png.save(tmp_path / 'm.png')
    out = LoadSegMap()({'img': np.zeros((2, 3, 3), np.uint8),
                        'seg_map_path': str(tmp_path / 'm.png')})
    np.testing.assert_array_equal(out['gt_seg_map'], indices)
    with pytest.raises(ValueError, match='is \\(2, 3\\) but its image'):
        LoadSegMap()({'img': np.zeros((4, 3, 3), np.uint8),
                      'seg_map_path': str(tmp_path / 'm.png'), 'img_path': 'x.png'})
    with pytest.raises(BadSampleError, match='missing.png'):
        LoadSegMap()({'img': np.zeros((2, 3, 3), np.uint8),
                      'seg_map_path': str(tmp_path / 'missing.png')})


def test_load_seg_map_names_the_file_holding_values_past_the_classes(tmp_path):
    from PIL import Image

    from easycv_like.data.transforms import LoadSegMap
    Image.fromarray(np.array([[0, 3, 255], [9, 1, 0]], np.uint8)).save(tmp_path / 'm.png')
    sample = {'img': np.zeros((2, 3, 3), np.uint8), 'seg_map_path': str(tmp_path / 'm.png')}
    assert LoadSegMap(num_classes=10)(dict(sample))['gt_seg_map'][1, 0] == 9
    assert LoadSegMap()(dict(sample))['gt_seg_map'][1, 0] == 9  # no class count: not checked
    with pytest.raises(ValueError, match=r"m.png' holds values \[9\], .* 0..3 \(4 classes\)"):
        LoadSegMap(num_classes=4)(dict(sample))
    with pytest.raises(ValueError, match=r'holds values \[3, 9\]'):
        LoadSegMap(num_classes=3)(dict(sample))


def test_odd_files_decode_as_the_predictors_read_them(tmp_path):
    from PIL import Image
    from easycv_like.predictors.image_inputs import to_rgb_array
    from .image_files import write_odd_images
    img = random_image(5, 6, 10)
    for name, expected in write_odd_images(str(tmp_path), img).items():
        path = str(tmp_path / name)
        loaded = LoadImage()({'img_path': path})['img']
        assert loaded.shape == ((10, 6, 3) if name == 'turned.png' else (6, 10, 3)), name
        if expected is not None:
            np.testing.assert_array_equal(loaded, expected, err_msg=name)
        np.testing.assert_array_equal(to_rgb_array(path), loaded, err_msg=name)
        tolerance = 1 if name == 'cmyk.jpg' else 0  # PIL's CMYK -> RGB rounds differently
        from_pil = to_rgb_array(Image.open(path)).astype(int)
        assert np.abs(from_pil - loaded).max() <= tolerance, name


def test_seg_map_of_an_exif_turned_image_names_the_tag(tmp_path):
    from PIL import Image
    from easycv_like.data.transforms import LoadSegMap
    pil = Image.fromarray(random_image(6, 4, 7))
    exif = pil.getexif()
    exif[0x0112] = 8
    pil.save(tmp_path / 'turned.png', exif=exif)
    Image.fromarray(np.zeros((4, 7), np.uint8)).save(tmp_path / 'mask.png')  # unturned frame
    results = LoadImage()({'img_path': str(tmp_path / 'turned.png'),
                           'seg_map_path': str(tmp_path / 'mask.png')})
    with pytest.raises(ValueError, match=r'is \(4, 7\) but its image .* is \(7, 4\)\. Its EXIF '
                                         r'orientation tag turns it'):
        LoadSegMap()(results)


def test_load_seg_map_reads_a_one_bit_png_as_class_indices(tmp_path):
    """A two-class mask saved as a 1-bit PNG (PIL's mode '1') was rejected as 'got bool'."""
    from PIL import Image

    from easycv_like.data.transforms import LoadSegMap
    mask = np.array([[0, 1, 1], [1, 0, 0]], bool)
    Image.fromarray(mask).save(tmp_path / 'm.png')
    assert Image.open(tmp_path / 'm.png').mode == '1'
    out = LoadSegMap(num_classes=2)({'img': np.zeros((2, 3, 3), np.uint8),
                                     'seg_map_path': str(tmp_path / 'm.png')})
    assert out['gt_seg_map'].dtype == np.uint8
    np.testing.assert_array_equal(out['gt_seg_map'], mask.astype(np.uint8))
