"""Shared access of the box sources (COCO json, VOC XML), which parse every annotation up front,
and the one rule both apply to a box that does not fit its image."""
import logging
from typing import Optional

import numpy as np
from mmengine.logging import print_log


def clip_box(box: list, width: int, height: int, where: str) -> Optional[list]:
    """``box`` (xyxy pixels) clipped to the ``width`` x ``height`` image, or None when nothing of
    it is left: each change is a WARNING starting with ``where`` (the file, image and box)."""
    x1, y1, x2, y2 = box
    clipped = [max(x1, 0.0), max(y1, 0.0), min(x2, float(width)), min(y2, float(height))]
    if clipped[2] <= clipped[0] or clipped[3] <= clipped[1]:
        print_log(f'{where} has no area inside the {width} x {height} image; dropped.',
                  logger='current', level=logging.WARNING)
        return None
    if clipped != list(box):
        print_log(f'{where} reaches outside the {width} x {height} image; clipped.',
                  logger='current', level=logging.WARNING)
    return clipped


class AnnotatedSamples:
    """``len``, indexing and image sizes over ``self._samples``: one dict per image holding the
    raw sample plus its ``height`` / ``width`` (kept for aspect-ratio grouping, not returned)."""

    _samples: list

    def image_size(self, index: int) -> tuple[int, int]:
        """(h, w) of image ``index`` from its annotation, without reading the image."""
        return self._samples[index]['height'], self._samples[index]['width']

    def __len__(self) -> int:
        return len(self._samples)

    def __getitem__(self, index: int) -> dict:
        """The raw sample; arrays are copies, so transforms cannot change the source.

        ``ann_shape`` is the annotation's (h, w): ``LoadImage`` checks the decoded image
        against it, so boxes are never read in a frame the image is not in (an EXIF-turned photo
        annotated unturned).
        """
        sample = self._samples[index]
        raw = {key: value.copy() if isinstance(value, np.ndarray) else value
               for key, value in sample.items() if key not in ('height', 'width')}
        raw['ann_shape'] = (sample['height'], sample['width'])
        return raw
