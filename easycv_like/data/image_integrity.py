"""``find_image_defect``: tells whether encoded image bytes are complete before decoding them.

OpenCV decodes a truncated JPEG or PNG into a partly grey image with only a warning on stderr, so a
cut-off download would silently train on garbage. Walking the container structure (JPEG markers,
PNG chunks, RIFF/BMP sizes) finds the truncation cheaply without decoding; bytes after the end
marker are allowed (several cameras append data there).
"""
from typing import Optional

_PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'
_JPEG_STANDALONE = {0x01, 0xD8} | set(range(0xD0, 0xD8))  # TEM, SOI, RST0-7: no length field


def find_image_defect(data: bytes) -> Optional[str]:
    """Return why ``data`` is not a complete image file, or None when no defect is found.

    Formats other than JPEG, PNG, WebP and BMP are not checked here (None); the decoder judges them.
    """
    if not data:
        return 'the file is empty (0 bytes)'
    if data[:2] == b'\xff\xd8':
        return _jpeg_defect(data)
    if data[:8] == _PNG_SIGNATURE:
        return _png_defect(data)
    if data[:4] == b'RIFF' and data[8:12] == b'WEBP':
        declared = int.from_bytes(data[4:8], 'little') + 8
        return _size_defect(len(data), declared)
    if data[:2] == b'BM' and len(data) >= 6:
        declared = int.from_bytes(data[2:6], 'little')  # some writers leave it 0
        return _size_defect(len(data), declared) if declared else None
    return None


def _size_defect(actual: int, declared: int) -> Optional[str]:
    if actual < declared:
        return f'truncated: {actual} of the {declared} bytes its header declares'
    return None


def _jpeg_defect(data: bytes) -> Optional[str]:
    size, pos = len(data), 2
    while True:
        pos = data.find(b'\xff', pos)
        while 0 <= pos < size - 1 and data[pos + 1] == 0xFF:  # fill bytes before a marker
            pos += 1
        if pos < 0 or pos >= size - 1:
            return 'truncated JPEG: no end-of-image marker'
        marker = data[pos + 1]
        if marker == 0xD9:
            return None
        if marker in _JPEG_STANDALONE:
            pos += 2
            continue
        if pos + 4 > size:
            return 'truncated JPEG: cut inside a segment header'
        end = pos + 2 + int.from_bytes(data[pos + 2:pos + 4], 'big')
        if end > size:
            return 'truncated JPEG: cut inside a segment'
        pos = _skip_entropy_data(data, end) if marker == 0xDA else end
        if pos < 0:
            return 'truncated JPEG: cut inside the compressed image data'


def _skip_entropy_data(data: bytes, pos: int) -> int:
    """Position of the first marker after compressed scan data, -1 when the data runs out."""
    size = len(data)
    while True:
        pos = data.find(b'\xff', pos)
        if pos < 0 or pos == size - 1:
            return -1
        follower = data[pos + 1]
        if follower == 0x00 or 0xD0 <= follower <= 0xD7:  # stuffed 0xFF byte or restart marker
            pos += 2
        elif follower == 0xFF:
            pos += 1
        else:
            return pos


def _png_defect(data: bytes) -> Optional[str]:
    size, pos = len(data), len(_PNG_SIGNATURE)
    while pos + 8 <= size:
        length = int.from_bytes(data[pos:pos + 4], 'big')
        chunk_type = data[pos + 4:pos + 8]
        pos += 12 + length  # length, type, payload, CRC
        if pos > size:
            return f'truncated PNG: cut inside a {chunk_type.decode("latin-1")!r} chunk'
        if chunk_type == b'IEND':
            return None
    return 'truncated PNG: no IEND chunk'
