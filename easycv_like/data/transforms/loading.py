"""``LoadImage``: reads and decodes an image file into an HWC uint8 RGB array; ``LoadSegMap``
reads the index-PNG seg map of dense samples.

Decoding with OpenCV is the fastest CPU path; every unusable file (missing, empty, truncated, not an
image, a JPEG whose compressed data the decoder reports as corrupt) becomes a ``BadSampleError``
naming the file, so a dataset can skip it on purpose.
"""
import os
from typing import Optional

import cv2
import numpy as np
from PIL import Image
from mmcv.transforms import BaseTransform

from easycv_like.data.errors import BadSampleError
from easycv_like.data.image_integrity import find_image_defect
from easycv_like.data.native_stderr import call_capturing_stderr
from easycv_like.data.transforms.targets import SEG_IGNORE
from easycv_like.registry import TRANSFORMS

# Parallelism comes from DataLoader workers, one process each; OpenCV's own thread pool in every
# worker would oversubscribe the cores (and its threads do not survive fork well).
cv2.setNumThreads(0)

# libjpeg's warnings for compressed data that does not decode as written (the image comes back
# with garbage blocks): "Corrupt JPEG data: ..." and "Premature end of JPEG file".
_JPEG_CORRUPTION = ('Corrupt JPEG data', 'Premature end of JPEG file')


def _imdecode_jpeg_strictly(buffer: np.ndarray, name: str) -> np.ndarray:
    img, messages = call_capturing_stderr(cv2.imdecode, buffer, cv2.IMREAD_COLOR)
    lines = messages.splitlines(keepends=True)
    corrupt = [line.strip() for line in lines if line.startswith(_JPEG_CORRUPTION)]
    other = ''.join(line for line in lines if not line.startswith(_JPEG_CORRUPTION))
    if other:
        os.write(2, other.encode())  # not ours to swallow
    if corrupt:
        raise BadSampleError(f'Bad image file {name!r}: the JPEG decoder reports corrupt '
                             f'compressed data ({"; ".join(corrupt)}).', [name])
    return img


def decode_image(data: bytes, name: str, reject_corrupt_jpeg: bool = True) -> np.ndarray:
    """Check and decode encoded image bytes into an H x W x 3 uint8 RGB array.

    Args:
        data: the encoded file (JPEG, PNG, ...).
        name: what to call the image in an error (a path, or ``shard.tfrecord@offset``).
        reject_corrupt_jpeg: treat a JPEG the decoder reports as corrupt (garbled compressed
            data that still decodes, into garbage blocks) as bad. Costs microseconds a file.

    Raises:
        BadSampleError: the bytes are empty, truncated, corrupt, or not a decodable image.
    """
    defect = find_image_defect(data)
    if defect is not None:
        raise BadSampleError(f'Bad image file {name!r}: {defect}.', [name])
    buffer = np.frombuffer(data, dtype=np.uint8)
    try:
        if reject_corrupt_jpeg and data[:2] == b'\xff\xd8':
            img = _imdecode_jpeg_strictly(buffer, name)
        else:
            img = cv2.imdecode(buffer, cv2.IMREAD_COLOR)
    except cv2.error as err:
        raise BadSampleError(f'Bad image file {name!r}: the decoder failed ({err}).',
                             [name]) from err
    if img is None:
        raise BadSampleError(f'Bad image file {name!r}: not a decodable image '
                             f'({len(data)} bytes, starting {data[:8]!r}).', [name])
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


def exif_turn_hint(path: str, shape: tuple) -> str:
    """A sentence for a size-mismatch error when ``path`` has ``shape`` (h, w) only while its
    EXIF orientation is ignored (the annotation was made on the unturned pixels); else ''."""
    try:
        stored = cv2.imdecode(np.fromfile(path, np.uint8),
                              cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
    except (OSError, ValueError, cv2.error):
        return ''
    if stored is None or tuple(stored.shape[:2]) != tuple(shape):
        return ''
    return (' Its EXIF orientation tag turns it at decoding (as OpenCV, mmcv and '
            'PIL.ImageOps.exif_transpose do), and the annotation (boxes or mask) was made on '
            'the unturned pixels: save the images upright (exif_transpose) and annotate those, '
            'or drop the tag.')


def _check_annotated_shape(results: dict) -> None:
    expected = results.get('ann_shape')
    if expected is None or tuple(expected) == results['ori_shape']:
        return
    path = str(results.get('img_path') or '<in-memory img>')
    raise ValueError(f'Image {path!r} is {results["ori_shape"]} (h, w) but its annotation says '
                     f'{tuple(expected)}: its boxes would be read in another frame.'
                     f'{exif_turn_hint(path, tuple(expected)) if results.get("img_path") else ""}')


@TRANSFORMS.register_module()
class LoadImage(BaseTransform):
    """Decode ``results['img_path']`` into ``results['img']`` (H x W x 3 uint8 RGB).

    Grey and RGBA files come out as 3-channel RGB, upright (the EXIF orientation applied; rules
    in docs/data.md). A sample carrying its annotation's ``ann_shape`` (h, w) must match it.
    When ``results`` already holds an ``img``
    (in-memory sources such as CIFAR, predictors) it passes through unchanged, with ``img_path``
    set to ''. Either way ``ori_shape`` and ``img_shape`` are set to the image's (h, w).

    Args:
        reject_corrupt_jpeg: a JPEG whose compressed data the decoder reports as corrupt is a bad
            sample (default True; False decodes it anyway, garbage blocks included).

    Raises:
        BadSampleError: the file cannot be read, is empty, truncated, corrupt, or is not a
            decodable image.
        ValueError: the image's size differs from ``ann_shape`` (naming the file, and saying
            when the EXIF orientation is why).
    """

    def __init__(self, reject_corrupt_jpeg: bool = True) -> None:
        super().__init__()
        self.reject_corrupt_jpeg = bool(reject_corrupt_jpeg)

    def transform(self, results: dict) -> dict:
        if results.get('img') is not None:
            results.setdefault('img_path', '')
            results['ori_shape'] = tuple(results['img'].shape[:2])
            results['img_shape'] = tuple(results['img'].shape[:2])
            _check_annotated_shape(results)
            return results
        path = str(results['img_path'])
        try:
            with open(path, 'rb') as f:
                data = f.read()
        except OSError as err:
            raise BadSampleError(f'Bad image file {path!r}: cannot read it ({err}).',
                                 [path]) from err
        results['img'] = decode_image(data, path, self.reject_corrupt_jpeg)
        results['ori_shape'] = tuple(results['img'].shape[:2])
        results['img_shape'] = tuple(results['img'].shape[:2])
        _check_annotated_shape(results)
        return results


@TRANSFORMS.register_module()
class LoadSegMap(BaseTransform):
    """Read ``results['seg_map_path']`` (an index PNG) into ``results['gt_seg_map']``.

    The map is H x W uint8 of class indices, 255 = ignore (a 1-bit PNG gives 0 / 1); it must
    match the image's size. A map
    already in memory (``gt_seg_map``) is checked the same way. Put it right after ``LoadImage``.
    With ``num_classes`` (``SegDataset`` sets it from its class list), a value that is neither a
    class index nor 255 is an error naming the file: caught here, before any crop can hide it,
    instead of in the loss or the confusion matrix without a file name.

    Args:
        num_classes: the number of classes C, or None (default) to skip the value check.

    Raises:
        BadSampleError: the file cannot be read or decoded.
        ValueError: the map is not single-channel uint8, its size differs from the image's, or
            it holds values in C..254.
    """

    def __init__(self, num_classes: Optional[int] = None) -> None:
        self.num_classes = num_classes

    def transform(self, results: dict) -> dict:
        seg = results.get('gt_seg_map')
        name = str(results.get('seg_map_path') or '<in-memory gt_seg_map>')
        if seg is None:
            if results.get('seg_map_path') is None:
                raise ValueError('LoadSegMap: the sample has neither seg_map_path nor gt_seg_map '
                                 f'(image {results.get("img_path")!r}).')
            try:  # PIL keeps the indices of palette PNGs (cv2 would turn them into colours)
                with Image.open(name) as png:
                    seg = np.array(png)
            except (OSError, ValueError) as err:
                raise BadSampleError(f'Bad seg map file {name!r}: cannot read it ({err}).',
                                     [name]) from err
        seg = np.asarray(seg)
        if seg.dtype == bool:  # a 1-bit PNG (a two-class mask): its 0 / 1 are class indices
            seg = seg.astype(np.uint8)
        if seg.dtype != np.uint8 or seg.ndim != 2:
            raise ValueError(f'Seg map {name!r} must be a single-channel uint8 index image '
                             f'(class ids, 255 = ignore), got {seg.dtype} with shape {seg.shape}.')
        if results.get('img') is not None and seg.shape != results['img'].shape[:2]:
            hint = exif_turn_hint(results['img_path'], seg.shape) if results.get('img_path') \
                else ''
            raise ValueError(f'Seg map {name!r} is {seg.shape} but its image '
                             f'{results.get("img_path")!r} is {results["img"].shape[:2]}.{hint}')
        self._check_values(seg, name)
        results['gt_seg_map'] = seg
        return results

    def _check_values(self, seg: np.ndarray, name: str) -> None:
        if self.num_classes is None or int(seg.max(initial=0)) < self.num_classes:
            return
        values = np.unique(seg)
        bad = [int(v) for v in values if self.num_classes <= v < SEG_IGNORE]
        if bad:
            raise ValueError(f'Seg map {name!r} holds values {bad[:8]}, which are neither class '
                             f'indices 0..{self.num_classes - 1} ({self.num_classes} classes) nor '
                             f'the ignore value {SEG_IGNORE}.')
