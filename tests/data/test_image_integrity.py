import cv2
import pytest

from easycv_like.data.image_integrity import find_image_defect

from .image_files import random_image


def _encode(ext, *params):
    ok, buf = cv2.imencode(ext, cv2.cvtColor(random_image(3, 24, 40), cv2.COLOR_RGB2BGR),
                           list(params))
    assert ok
    return buf.tobytes()


@pytest.mark.parametrize('data', [
    _encode('.jpg'),
    _encode('.jpg', cv2.IMWRITE_JPEG_PROGRESSIVE, 1),
    _encode('.jpg', cv2.IMWRITE_JPEG_RST_INTERVAL, 2),
    _encode('.png'),
    _encode('.bmp'),
], ids=['jpeg', 'progressive-jpeg', 'jpeg-restart-markers', 'png', 'bmp'])
def test_every_strict_prefix_is_reported_and_the_whole_file_is_not(data):
    assert find_image_defect(data) is None
    assert find_image_defect(data + b'\x00' * 16 + b'trailing data') is None
    step = max(1, len(data) // 300)
    for cut in list(range(0, len(data), step)) + [len(data) - 1]:
        assert find_image_defect(data[:cut]) is not None, cut


def test_end_marker_inside_an_exif_thumbnail_does_not_hide_truncation():
    jpeg = _encode('.jpg')
    thumbnail = b'Exif\x00\x00' + b'\xff\xd8 fake thumbnail \xff\xd9'
    app1 = b'\xff\xe1' + (len(thumbnail) + 2).to_bytes(2, 'big') + thumbnail
    with_exif = jpeg[:2] + app1 + jpeg[2:]
    assert find_image_defect(with_exif) is None
    assert 'truncated JPEG' in find_image_defect(with_exif[:len(with_exif) // 2])


def test_messages_and_unchecked_formats():
    assert find_image_defect(b'') == 'the file is empty (0 bytes)'
    assert 'no IEND' in find_image_defect(_encode('.png')[:8])
    webp = b'RIFF' + (100).to_bytes(4, 'little') + b'WEBP' + b'\x00' * 20
    assert 'truncated: 32 of the 108 bytes' in find_image_defect(webp)
    assert find_image_defect(b'GIF89a whatever') is None
