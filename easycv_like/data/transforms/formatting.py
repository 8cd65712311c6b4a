"""``PackInputs``: turns a transformed sample into the dataset item of the data contract.

Workers ship uint8 tensors (normalisation happens on the device, in the model's data
preprocessor) and a plain ``data_samples`` dict that mmengine's ``default_collate`` can batch.
"""
from typing import Union

import numpy as np
import torch
from mmcv.transforms import BaseTransform

from easycv_like.registry import TRANSFORMS


def image_to_tensor(img: np.ndarray) -> torch.Tensor:
    """HWC (or HW) uint8 array -> contiguous C x H x W uint8 tensor."""
    if img.dtype != np.uint8:
        raise TypeError(f'PackInputs expects uint8 images, got {img.dtype}; workers must not '
                        'normalise (the data preprocessor does it on the device).')
    if img.ndim == 2:
        img = img[..., None]
    return torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))


@TRANSFORMS.register_module()
class PackInputs(BaseTransform):
    """Pack ``results`` into ``{'inputs': ..., 'data_samples': {...}}``.

    ``inputs`` is a C x H x W uint8 tensor, or a list of them when ``results['img']`` is a list
    (multi-view SSL). ``data_samples`` holds ``gt_label`` (int, -1 when unlabeled), ``sample_idx``
    (int) and ``img_path`` (str, '' for in-memory images).
    """

    def transform(self, results: dict) -> dict:
        img: Union[np.ndarray, list] = results['img']
        if isinstance(img, list):
            inputs = [image_to_tensor(view) for view in img]
        else:
            inputs = image_to_tensor(img)
        label = results.get('gt_label')
        return {'inputs': inputs,
                'data_samples': {'gt_label': -1 if label is None else int(label),
                                 'sample_idx': int(results.get('sample_idx', -1)),
                                 'img_path': str(results.get('img_path') or '')}}
