"""Pure numpy operations on K x 4 float32 ``xyxy`` pixel boxes, shared by the dense transforms.

A box covers ``[x1, x2) x [y1, y2)`` in the pixel grid of the current image (pixel ``i`` spans
``[i, i + 1)``), so a flip maps ``x`` to ``width - x`` and a resize multiplies by the scale.
"""
import numpy as np


def as_boxes(boxes: np.ndarray, where: str = 'gt_bboxes') -> np.ndarray:
    """Check and return ``boxes`` as a contiguous K x 4 float32 array."""
    boxes = np.asarray(boxes, dtype=np.float32)
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError(f'{where} must be a K x 4 array of xyxy boxes, got shape {boxes.shape}.')
    return np.ascontiguousarray(boxes)


def flip_boxes(boxes: np.ndarray, width: int) -> np.ndarray:
    """Mirror boxes left-right in an image ``width`` pixels wide."""
    out = boxes.copy()
    out[:, 0] = width - boxes[:, 2]
    out[:, 2] = width - boxes[:, 0]
    return out


def scale_boxes(boxes: np.ndarray, w_scale: float, h_scale: float) -> np.ndarray:
    """Multiply x coordinates by ``w_scale`` and y coordinates by ``h_scale``."""
    return (boxes * np.array([w_scale, h_scale, w_scale, h_scale], np.float32)).astype(np.float32)


def translate_boxes(boxes: np.ndarray, dx: float, dy: float) -> np.ndarray:
    """Shift boxes by ``dx`` pixels right and ``dy`` pixels down."""
    return (boxes + np.array([dx, dy, dx, dy], np.float32)).astype(np.float32)


def clip_boxes(boxes: np.ndarray, height: int, width: int) -> np.ndarray:
    """Clamp boxes to the image ``[0, width] x [0, height]``."""
    out = boxes.copy()
    out[:, 0::2] = np.clip(out[:, 0::2], 0, width)
    out[:, 1::2] = np.clip(out[:, 1::2], 0, height)
    return out


def box_sizes(boxes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Widths and heights of the boxes."""
    return boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]


def valid_boxes(boxes: np.ndarray, min_size: float = 0.0) -> np.ndarray:
    """Boolean mask of boxes whose width and height both exceed ``min_size``."""
    widths, heights = box_sizes(boxes)
    return (widths > min_size) & (heights > min_size)


def affine_boxes(boxes: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Map boxes through a 2 x 3 (or 3 x 3) affine matrix: the box around the moved corners."""
    if len(boxes) == 0:
        return boxes.copy()
    x1, y1, x2, y2 = boxes.T
    corners = np.stack([np.stack([x1, y1], 1), np.stack([x2, y1], 1),
                        np.stack([x1, y2], 1), np.stack([x2, y2], 1)], 1)  # K x 4 x 2
    ones = np.ones(corners.shape[:2] + (1,), np.float32)
    moved = np.concatenate([corners, ones], 2) @ np.asarray(matrix, np.float32)[:2].T
    return np.concatenate([moved.min(1), moved.max(1)], 1).astype(np.float32)
