"""Draw predictions on images with cv2: boxes with class names and scores, or a colour overlay
of a label map. Inputs and outputs are RGB uint8 H x W x 3 arrays (the input is not changed)."""
from typing import Optional, Sequence

import cv2
import numpy as np


def class_palette(num_classes: int, seed: int = 0) -> np.ndarray:
    """``num_classes`` x 3 uint8 RGB colours, distinct and the same on every call."""
    rng = np.random.default_rng(seed)
    return rng.integers(40, 256, size=(max(int(num_classes), 1), 3), dtype=np.uint8)


def _check_image(img: np.ndarray) -> None:
    if not isinstance(img, np.ndarray) or img.dtype != np.uint8 or img.ndim != 3 \
            or img.shape[2] != 3:
        raise ValueError(f'Expected an RGB uint8 H x W x 3 array, got {type(img).__name__} '
                         f'{getattr(img, "dtype", "")} {getattr(img, "shape", "")}.')


def draw_detections(img: np.ndarray, bboxes: np.ndarray, labels: np.ndarray,
                    scores: Optional[np.ndarray] = None,
                    class_names: Optional[Sequence[str]] = None, score_thr: float = 0.0,
                    palette: Optional[np.ndarray] = None, thickness: int = 2) -> np.ndarray:
    """A copy of ``img`` with each box (K x 4 xyxy pixels) outlined in its class colour and
    captioned ``name score``; boxes scoring below ``score_thr`` are left out."""
    _check_image(img)
    bboxes = np.asarray(bboxes, np.float32).reshape(-1, 4)
    labels = np.asarray(labels, np.int64).reshape(-1)
    scores = np.ones(len(bboxes), np.float32) if scores is None else np.asarray(scores)
    if not len(bboxes) == len(labels) == len(scores):
        raise ValueError(f'{len(bboxes)} boxes, {len(labels)} labels and {len(scores)} scores.')
    count = max([len(class_names or [])] + [int(label) + 1 for label in labels])
    palette = class_palette(count) if palette is None else np.asarray(palette, np.uint8)
    out = np.ascontiguousarray(img.copy())
    for box, label, score in zip(bboxes, labels, scores):
        if score < score_thr:
            continue
        colour = tuple(int(c) for c in palette[int(label) % len(palette)])
        x1, y1, x2, y2 = (int(round(float(v))) for v in box)
        cv2.rectangle(out, (x1, y1), (max(x1, x2 - 1), max(y1, y2 - 1)), colour, thickness)
        name = class_names[label] if class_names and 0 <= label < len(class_names) \
            else str(int(label))
        cv2.putText(out, f'{name} {float(score):.2f}', (x1, max(y1 - 3, 10)),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.4, colour, 1, cv2.LINE_AA)
    return out


def overlay_seg_map(img: np.ndarray, seg_map: np.ndarray, palette: Optional[np.ndarray] = None,
                    alpha: float = 0.5, ignore_index: int = 255,
                    skip_background: bool = True) -> np.ndarray:
    """A copy of ``img`` blended with the class colours of ``seg_map`` (H x W, the image's size):
    ``(1 - alpha) * img + alpha * colour``; ``ignore_index`` pixels, and class 0 with
    ``skip_background``, keep the image."""
    _check_image(img)
    seg_map = np.asarray(seg_map)
    if seg_map.shape != img.shape[:2]:
        raise ValueError(f'seg_map is {seg_map.shape}, the image {img.shape[:2]}.')
    valid = seg_map != ignore_index
    if skip_background:
        valid &= seg_map != 0
    count = int(seg_map[valid].max()) + 1 if valid.any() else 1
    palette = class_palette(count) if palette is None else np.asarray(palette, np.uint8)
    out = img.astype(np.float32)
    colours = palette[seg_map[valid].astype(np.int64) % len(palette)].astype(np.float32)
    out[valid] = (1 - alpha) * out[valid] + alpha * colours
    return np.clip(np.round(out), 0, 255).astype(np.uint8)
