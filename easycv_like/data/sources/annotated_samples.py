"""Shared access of the box sources (COCO json, VOC XML), which parse every annotation up front,
the one rule both apply to a box that does not fit its image, and their annotations as a COCO
index for evaluation."""
import logging
from functools import cached_property
from typing import Optional

import numpy as np
from mmengine.logging import print_log


def fit_box(box: list, width: float, height: float) -> Optional[list]:
    """``box`` (xyxy pixels) clipped to the ``width`` x ``height`` image, or None when nothing of
    it is left. The one rule for boxes that do not fit: training (``clip_box``) and the COCO
    ground truth of evaluation (``coco_json.fit_to_images``) both apply it."""
    x1, y1, x2, y2 = box
    clipped = [max(x1, 0.0), max(y1, 0.0), min(x2, float(width)), min(y2, float(height))]
    if clipped[2] <= clipped[0] or clipped[3] <= clipped[1]:
        return None
    return clipped


def clip_box(box: list, width: int, height: int, where: str) -> Optional[list]:
    """``fit_box``, each change a WARNING starting with ``where`` (the file, image and box)."""
    clipped = fit_box(box, width, height)
    if clipped is None:
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
    classes: list
    cat_ids: list  # label i is category cat_ids[i] (the COCO file's ids; 1..C for VOC XML)

    @cached_property
    def coco_ground_truth(self) -> dict:
        """The annotations as a COCO-format dict (image ids = ``img_id``, boxes ``xywh``,
        ignored boxes as ``iscrowd``), so pycocotools scores any box source the same way."""
        images, annotations = [], []
        for sample in self._samples:
            images.append(dict(id=int(sample['img_id']), width=sample['width'],
                               height=sample['height'], file_name=str(sample['img_path'])))
            for box, label, ignore in zip(sample['gt_bboxes'], sample['gt_labels'],
                                          sample['gt_ignore']):
                x1, y1, x2, y2 = (float(v) for v in box)
                annotations.append(dict(
                    id=len(annotations) + 1, image_id=int(sample['img_id']),
                    category_id=self.cat_ids[int(label)], bbox=[x1, y1, x2 - x1, y2 - y1],
                    area=(x2 - x1) * (y2 - y1), iscrowd=int(bool(ignore))))
        categories = [dict(id=cat_id, name=name) for cat_id, name in zip(self.cat_ids,
                                                                          self.classes)]
        return dict(images=images, annotations=annotations, categories=categories)

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
