"""``LoadImage``: reads and decodes an image file into an HWC uint8 RGB array; ``LoadSegMap``
reads the index-PNG seg map of dense samples.

Decoding with OpenCV is the fastest CPU path; every unusable file (missing, empty, truncated, not an
image) becomes a ``BadSampleError`` naming the file, so a dataset can skip it on purpose.
"""
import cv2
import numpy as np
from PIL import Image
from mmcv.transforms import BaseTransform

from easycv_like.data.errors import BadSampleError
from easycv_like.data.image_integrity import find_image_defect
from easycv_like.registry import TRANSFORMS

# Parallelism comes from DataLoader workers, one process each; OpenCV's own thread pool in every
# worker would oversubscribe the cores (and its threads do not survive fork well).
cv2.setNumThreads(0)


def decode_image(data: bytes, name: str) -> np.ndarray:
    """Check and decode encoded image bytes into an H x W x 3 uint8 RGB array.

    Args:
        data: the encoded file (JPEG, PNG, ...).
        name: what to call the image in an error (a path, or ``shard.tfrecord@offset``).

    Raises:
        BadSampleError: the bytes are empty, truncated, or not a decodable image.
    """
    defect = find_image_defect(data)
    if defect is not None:
        raise BadSampleError(f'Bad image file {name!r}: {defect}.', [name])
    try:
        img = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    except cv2.error as err:
        raise BadSampleError(f'Bad image file {name!r}: the decoder failed ({err}).',
                             [name]) from err
    if img is None:
        raise BadSampleError(f'Bad image file {name!r}: not a decodable image '
                             f'({len(data)} bytes, starting {data[:8]!r}).', [name])
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


@TRANSFORMS.register_module()
class LoadImage(BaseTransform):
    """Decode ``results['img_path']`` into ``results['img']`` (H x W x 3 uint8 RGB).

    Grey and RGBA files come out as 3-channel RGB. When ``results`` already holds an ``img``
    (in-memory sources such as CIFAR, predictors) it passes through unchanged, with ``img_path``
    set to ''. Either way ``ori_shape`` and ``img_shape`` are set to the image's (h, w).

    Raises:
        BadSampleError: the file cannot be read, is empty, truncated, or is not a decodable image.
    """

    def transform(self, results: dict) -> dict:
        if results.get('img') is not None:
            results.setdefault('img_path', '')
            results['ori_shape'] = tuple(results['img'].shape[:2])
            results['img_shape'] = tuple(results['img'].shape[:2])
            return results
        path = str(results['img_path'])
        try:
            with open(path, 'rb') as f:
                data = f.read()
        except OSError as err:
            raise BadSampleError(f'Bad image file {path!r}: cannot read it ({err}).',
                                 [path]) from err
        results['img'] = decode_image(data, path)
        results['ori_shape'] = tuple(results['img'].shape[:2])
        results['img_shape'] = tuple(results['img'].shape[:2])
        return results


@TRANSFORMS.register_module()
class LoadSegMap(BaseTransform):
    """Read ``results['seg_map_path']`` (an index PNG) into ``results['gt_seg_map']``.

    The map is H x W uint8 of class indices, 255 = ignore; it must match the image's size. A map
    already in memory (``gt_seg_map``) is checked the same way. Put it right after ``LoadImage``.

    Raises:
        BadSampleError: the file cannot be read or decoded.
        ValueError: the map is not single-channel uint8, or its size differs from the image's.
    """

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
        if seg.dtype != np.uint8 or seg.ndim != 2:
            raise ValueError(f'Seg map {name!r} must be a single-channel uint8 index image '
                             f'(class ids, 255 = ignore), got {seg.dtype} with shape {seg.shape}.')
        if results.get('img') is not None and seg.shape != results['img'].shape[:2]:
            raise ValueError(f'Seg map {name!r} is {seg.shape} but its image '
                             f'{results.get("img_path")!r} is {results["img"].shape[:2]}.')
        results['gt_seg_map'] = seg
        return results
