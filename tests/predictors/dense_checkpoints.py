"""Checkpoints of the tiny dense test models, written as training would (plain data only)."""
import numpy as np
import torch

from ..models.dense_test_models import BrightBoxDetector, BrightPixelSegmentor

CLASSES = ['circle', 'square']


def write_checkpoint(path, model, pipeline, collate) -> str:
    """``state_dict`` + ``meta.config_dict`` whose ``data.val`` holds ``pipeline`` and
    ``collate``; ``meta.dataset_meta.classes`` = :data:`CLASSES`."""
    config = dict(model=dict(type=type(model).__name__),
                  data=dict(val=dict(type='DetDataset', data_source=dict(type='Coco'),
                                     pipeline=pipeline, collate=collate)))
    torch.save(dict(state_dict=model.state_dict(),
                    meta=dict(config_dict=config, dataset_meta=dict(classes=CLASSES))), path)
    return str(path)


def detector_checkpoint(tmp_path) -> str:
    """Test-time flip, then a centred letterbox to 32 x 32 padded with 114."""
    pipeline = [dict(type='LoadImage'), dict(type='RandomHorizontalFlip', prob=1.0),
                dict(type='Letterbox', size=32, center=True, pad_value=114),
                dict(type='PackDetInputs')]
    return write_checkpoint(tmp_path / 'det.pth', BrightBoxDetector(), pipeline,
                            dict(type='pad_collate', size_divisor=32, pad_value=114))


def segmentor_checkpoint(tmp_path) -> str:
    """Seg maps loaded (dropped by the predictor), test-time flip, centred letterbox 48 x 64."""
    pipeline = [dict(type='LoadImage'), dict(type='LoadSegMap'),
                dict(type='RandomHorizontalFlip', prob=1.0),
                dict(type='Letterbox', size=(48, 64), center=True, pad_value=0),
                dict(type='PackSegInputs')]
    return write_checkpoint(tmp_path / 'seg.pth', BrightPixelSegmentor(), pipeline,
                            dict(type='pad_collate', size_divisor=32, seg_pad_value=255))


def bright_rect_image(height, width, box=None) -> np.ndarray:
    """Dark RGB image (30) with a bright (250) ``box`` = (x1, y1, x2, y2)."""
    img = np.full((height, width, 3), 30, np.uint8)
    if box is not None:
        x1, y1, x2, y2 = box
        img[y1:y2, x1:x2] = 250
    return img
