"""The bytes a TFRecord stores for an image, so that DALI and ``LoadImage`` see the same pixels.

Ordinary JPEG files (8-bit, grey or YCbCr, baseline or progressive) pass through byte for byte:
OpenCV and DALI decode them to the same pixels. Everything else (other formats, CMYK, 12-bit,
lossless and arithmetic JPEGs, which DALI may decode differently, in-memory images, images larger
than ``max_side``) is stored as what ``LoadImage`` decodes, encoded as JPEG (quality 95), or as
PNG with ``lossless=True`` so that every record decodes to exactly ``LoadImage``'s pixels.
"""
from typing import Optional

import cv2
import numpy as np

from easycv_like.data.errors import BadSampleError
from easycv_like.data.transforms.loading import decode_image

JPEG_QUALITY = 95


def encode_image(img: np.ndarray, max_side: Optional[int] = None, lossless: bool = False) -> bytes:
    """RGB uint8 image -> JPEG bytes (quality 95), or PNG bytes when ``lossless``; shrunk first
    so its longer side <= max_side."""
    if max_side and max(img.shape[:2]) > max_side:
        scale = max_side / max(img.shape[:2])
        size = (max(1, round(img.shape[1] * scale)), max(1, round(img.shape[0] * scale)))
        img = cv2.resize(img, size, interpolation=cv2.INTER_AREA)
    ext, params = ('.png', []) if lossless else ('.jpg', [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    ok, data = cv2.imencode(ext, cv2.cvtColor(img, cv2.COLOR_RGB2BGR), params)
    if not ok:
        raise ValueError(f'cv2 could not encode an image of shape {img.shape} as {ext}')
    return data.tobytes()


# SOF markers of 8-bit Huffman JPEGs every decoder handles: baseline, extended, progressive
_PLAIN_FRAMES = {0xC0, 0xC1, 0xC2}
_NOT_FRAMES = {0xC4, 0xC8, 0xCC}  # DHT, JPG, DAC share the 0xC_ range


def jpeg_needs_normalising(data: bytes) -> bool:
    """Whether a JPEG must be re-encoded so that DALI decodes it as OpenCV does: a frame other
    than 8-bit baseline/extended/progressive Huffman (lossless, arithmetic, 12-bit) or with
    other than 1 or 3 components (CMYK / YCCK, whose colour conversion differs)."""
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return True  # not a marker where one must be: let the re-encoding decide
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if 0xC0 <= marker <= 0xCF and marker not in _NOT_FRAMES:
            precision, components = data[pos + 4], data[pos + 9] if pos + 9 < len(data) else 0
            return marker not in _PLAIN_FRAMES or precision != 8 or components not in (1, 3)
        pos += 2 + int.from_bytes(data[pos + 2:pos + 4], 'big')
    return True


def prepare_image(sample: dict, max_side: Optional[int] = None,
                  lossless: bool = False) -> tuple[Optional[bytes], str]:
    """The encoded image to store for one source sample, or (None, why) for a bad file.

    Runs in worker processes, so it returns the problem instead of raising it.
    """
    if sample.get('img') is not None:
        return encode_image(sample['img'], max_side, lossless), ''
    path = str(sample['img_path'])
    try:
        with open(path, 'rb') as f:
            data = f.read()
        img = decode_image(data, path)
    except OSError as err:
        return None, f'cannot read it ({err})'
    except BadSampleError as err:
        return None, str(err)
    as_is = data[:2] == b'\xff\xd8' and not jpeg_needs_normalising(data)
    if as_is and not (max_side and max(img.shape[:2]) > max_side):
        return data, ''
    return encode_image(img, max_side, lossless), ''
