"""Keep the dense targets of a sample (boxes, semantic seg map) and its geometry record in step
with the image when a geometric transform moves pixels.

Every geometric transform calls :func:`check_targets` first: a sample carrying a target this
module cannot move (instance masks, keypoints...) or a seg map that was not loaded yet raises,
so no target is ever left silently stale. Keys maintained (docs/contracts.md, "Dense tasks"):
``img_shape`` (h, w), ``scale_factor`` (w, h, cumulative), ``flip`` / ``flip_direction``, ``pad``
(whose offset follows resizes, crops, pads and flips in any order; an affine warp cannot be
recorded, so mosaic / affine samples are for training only).
"""
import cv2
import numpy as np

from easycv_like.data.transforms import boxes as box_ops

BOX_KEYS = ('gt_bboxes', 'gt_labels', 'gt_ignore')
SEG_KEY = 'gt_seg_map'
SEG_IGNORE = 255
MOVABLE_KEYS = frozenset(BOX_KEYS + (SEG_KEY, 'gt_label'))


def check_targets(results: dict, transform: str) -> None:
    """Raise ``ValueError`` when ``results`` holds a target that ``transform`` cannot move."""
    unknown = sorted(k for k in results if k.startswith('gt_') and k not in MOVABLE_KEYS)
    if unknown:
        raise ValueError(f'{transform} cannot move the target(s) {unknown} of sample '
                         f'{results.get("img_path") or results.get("sample_idx")!r}; it moves only '
                         f'{sorted(MOVABLE_KEYS)}. Remove the key or use a transform that '
                         'handles it.')
    if results.get('seg_map_path') is not None and results.get(SEG_KEY) is None:
        raise ValueError(f'{transform}: the sample has seg_map_path '
                         f'{results["seg_map_path"]!r} but no gt_seg_map; put LoadSegMap before '
                         'any geometric transform.')


def has_boxes(results: dict) -> bool:
    return results.get('gt_bboxes') is not None


def select_boxes(results: dict, keep: np.ndarray) -> None:
    """Keep only the boxes (and their labels / ignore flags) where ``keep`` is True."""
    for key in BOX_KEYS:
        if results.get(key) is not None:
            results[key] = np.asarray(results[key])[keep]


def _set_shape(results: dict, height: int, width: int) -> None:
    results['img_shape'] = (int(height), int(width))


def _pad_offset(results: dict) -> tuple:
    pad = results.get('pad')
    return tuple(float(v) for v in pad['offset']) if pad else (0.0, 0.0)


def _set_pad(results: dict, left: float, top: float, height: int, width: int,
             always: bool = False) -> None:
    """Record ``pad``: where the original image's origin (scaled, mirrored if flipped) now lies
    on the ``height`` x ``width`` image, so any point maps back as ``(xy - offset) /
    scale_factor`` (then mirrored). Rounded to 1e-9 px (float noise); a zero offset makes no
    record unless ``always`` or one exists."""
    left, top = round(float(left), 9) + 0.0, round(float(top), 9) + 0.0
    if always or results.get('pad') is not None or left or top:
        results['pad'] = {'offset': (left, top), 'shape': (int(height), int(width))}


def _seg_resize(seg: np.ndarray, height: int, width: int) -> np.ndarray:
    if seg.shape[:2] == (height, width):
        return seg
    return cv2.resize(seg, (width, height), interpolation=cv2.INTER_NEAREST)


def resize_targets(results: dict, old_shape: tuple, height: int, width: int) -> None:
    """The image went from ``old_shape`` (h, w) to ``height`` x ``width``: scale boxes and seg
    map, multiply ``scale_factor`` (and the ``pad`` offset)."""
    old_h, old_w = old_shape[:2]
    w_scale, h_scale = width / old_w, height / old_h
    if has_boxes(results):
        results['gt_bboxes'] = box_ops.scale_boxes(
            box_ops.as_boxes(results['gt_bboxes']), w_scale, h_scale)
    if results.get(SEG_KEY) is not None:
        results[SEG_KEY] = _seg_resize(results[SEG_KEY], height, width)
    sw, sh = results.get('scale_factor', (1.0, 1.0))
    results['scale_factor'] = (float(sw * w_scale), float(sh * h_scale))
    left, top = _pad_offset(results)
    _set_pad(results, left * w_scale, top * h_scale, height, width)
    _set_shape(results, height, width)


def flip_targets(results: dict, width: int) -> None:
    """The image was mirrored left-right: mirror boxes and seg map, toggle ``flip``; the
    ``pad`` offset moves to the other side of the image (a flip after padding maps back)."""
    sw = results.get('scale_factor', (1.0, 1.0))[0]
    ori_w = results.get('ori_shape', results['img'].shape[:2])[1]
    left, top = _pad_offset(results)
    _set_pad(results, width - left - sw * ori_w, top, *results['img'].shape[:2])
    if has_boxes(results):
        results['gt_bboxes'] = box_ops.flip_boxes(box_ops.as_boxes(results['gt_bboxes']), width)
    if results.get(SEG_KEY) is not None:
        results[SEG_KEY] = np.ascontiguousarray(results[SEG_KEY][:, ::-1])
    results['flip'] = not results.get('flip', False)
    results['flip_direction'] = 'horizontal' if results['flip'] else None


def crop_targets(results: dict, top: int, left: int, height: int, width: int) -> None:
    """The image was cropped to rows ``top:top+height``, columns ``left:left+width`` (the window
    may reach outside the image: seg map pixels out there become 255). Boxes are shifted,
    clipped, and those left without area are dropped; the ``pad`` offset moves with them."""
    old_left, old_top = _pad_offset(results)
    _set_pad(results, old_left - left, old_top - top, height, width)
    if has_boxes(results):
        boxes = box_ops.translate_boxes(box_ops.as_boxes(results['gt_bboxes']), -left, -top)
        boxes = box_ops.clip_boxes(boxes, height, width)
        results['gt_bboxes'] = boxes
        select_boxes(results, box_ops.valid_boxes(boxes))
    if results.get(SEG_KEY) is not None:
        results[SEG_KEY] = crop_with_fill(results[SEG_KEY], top, left, height, width, SEG_IGNORE)
    _set_shape(results, height, width)


def filled(shape: tuple, fill, dtype) -> np.ndarray:
    """``np.full(shape, fill)`` for a scalar or per-channel ``fill``; equal channel values take
    numpy's scalar path (100x faster than broadcasting a tuple: 15 us, not 1.5 ms, at 640 px)."""
    values = np.asarray(fill, dtype=dtype).ravel()
    if values.size and (values == values[0]).all():
        return np.full(shape, values[0], dtype=dtype)
    out = np.empty(shape, dtype=dtype)
    out[...] = values
    return out


def crop_with_fill(img: np.ndarray, top: int, left: int, height: int, width: int,
                   fill) -> np.ndarray:
    """``img[top:top+height, left:left+width]``, with ``fill`` where the window leaves ``img``."""
    out = filled((height, width) + img.shape[2:], fill, img.dtype)
    y0, x0 = max(top, 0), max(left, 0)
    y1, x1 = min(top + height, img.shape[0]), min(left + width, img.shape[1])
    if y1 > y0 and x1 > x0:
        out[y0 - top:y1 - top, x0 - left:x1 - left] = img[y0:y1, x0:x1]
    return out


def pad_targets(results: dict, top: int, left: int, height: int, width: int) -> None:
    """The image was placed at (``left``, ``top``) on a ``height`` x ``width`` canvas: shift
    boxes, pad the seg map with 255, record ``pad``."""
    crop_targets(results, -top, -left, height, width)
    _set_pad(results, *_pad_offset(results), height, width, always=True)


def warp_pixels(img: np.ndarray, matrix: np.ndarray, height: int, width: int, flags: int,
                fill) -> np.ndarray:
    """Warp ``img`` into ``height`` x ``width`` by ``matrix``, an affine map of continuous
    coordinates (pixel ``i`` spans ``[i, i + 1)``, the boxes' convention).

    OpenCV maps pixel indices, i.e. pixel centres at integers: given ``matrix`` as is, the pixels
    would land up to a pixel away from the boxes (``(A - I) / 2``: 0.25 px at scale 0.5, a whole
    pixel at 90 degrees). Conjugating by the half-pixel shift keeps them on the boxes, as
    torchvision's affine does."""
    pixel = np.asarray(matrix, np.float64)[:2].copy()
    pixel[:, 2] += 0.5 * (pixel[:, :2].sum(1) - 1.0)
    out = cv2.warpAffine(img, pixel, (width, height), flags=flags, borderValue=fill)
    return out[..., None] if img.ndim == 3 and out.ndim == 2 else out


def warp_targets(results: dict, matrix: np.ndarray, height: int, width: int) -> None:
    """The image was warped by the affine ``matrix`` (``warp_pixels``) into ``height`` x
    ``width``: move the boxes' corners, clip and drop empty boxes; warp the seg map
    nearest-neighbour (255 fill)."""
    if has_boxes(results):
        boxes = box_ops.affine_boxes(box_ops.as_boxes(results['gt_bboxes']), matrix)
        boxes = box_ops.clip_boxes(boxes, height, width)
        results['gt_bboxes'] = boxes
        select_boxes(results, box_ops.valid_boxes(boxes))
    if results.get(SEG_KEY) is not None:
        results[SEG_KEY] = warp_pixels(results[SEG_KEY], matrix, height, width,
                                       cv2.INTER_NEAREST, SEG_IGNORE)
    _set_shape(results, height, width)
