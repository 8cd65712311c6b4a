"""``LoadImage``: reads and decodes an image file into an HWC uint8 RGB array.

Decoding with OpenCV is the fastest CPU path; every unusable file (missing, empty, truncated, not an
image) becomes a ``BadSampleError`` naming the file, so a dataset can skip it on purpose.
"""
import cv2
import numpy as np
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
    (in-memory sources such as CIFAR) it passes through unchanged, with ``img_path`` set to ''.

    Raises:
        BadSampleError: the file cannot be read, is empty, truncated, or is not a decodable image.
    """

    def transform(self, results: dict) -> dict:
        if results.get('img') is not None:
            results.setdefault('img_path', '')
            return results
        path = str(results['img_path'])
        try:
            with open(path, 'rb') as f:
                data = f.read()
        except OSError as err:
            raise BadSampleError(f'Bad image file {path!r}: cannot read it ({err}).',
                                 [path]) from err
        results['img'] = decode_image(data, path)
        results['ori_shape'] = results['img'].shape[:2]
        return results
