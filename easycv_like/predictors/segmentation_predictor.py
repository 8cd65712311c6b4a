"""Semantic segmentation from a checkpoint alone."""
from typing import Any, List

from .dense_predictor import DensePredictor


class SegmentationPredictor(DensePredictor):
    """``predict(images)`` -> one dict per image: ``seg_map`` (H x W class indices at the
    original image's size, uint8, or int64 past 255 classes) and ``class_names`` (the
    checkpoint's, or None).

    Example:
        >>> p = SegmentationPredictor('work_dirs/fcn_shapes/latest.pth')
        >>> p.predict([rgb_uint8_hwc_array])[0]['seg_map'].shape
        >>> tv = SegmentationPredictor(  # torchvision's weights, our config
        ...     'lraspp.pth', config='configs/segmentation/lraspp_mobilenet_v3_large_voc.py')
    """

    tasks = ('segmentation',)

    def predict(self, images: Any, batch_size: int = 32) -> List[dict]:
        """``images``: a file path, a PIL image or an H x W x 3 uint8 RGB array, or a list."""
        return [dict(seg_map=out['pred_seg_map'].numpy(),
                     class_names=list(self.classes) if self.classes else None)
                for out in self.forward_images(images, batch_size)]
