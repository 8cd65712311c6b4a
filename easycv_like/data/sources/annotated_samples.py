"""Shared access of the box sources (COCO json, VOC XML), which parse every annotation up front."""
import numpy as np


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
        """The raw sample; arrays are copies, so transforms cannot change the source."""
        sample = self._samples[index]
        return {key: value.copy() if isinstance(value, np.ndarray) else value
                for key, value in sample.items() if key not in ('height', 'width')}
