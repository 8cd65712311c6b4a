"""Backbone features from a checkpoint alone: globally pooled last feature map per image.

Used for offline kNN, retrieval and linear evaluation of any model easycv_like trains
(Classification or a self-supervised algorithm): both answer ``extract_feat(images)`` with the
backbone (+ neck, for Classification) feature tuple.
"""
from typing import Any, Sequence, Union

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..models.backbones.global_pool import global_pool
from .base import Predictor
from .image_inputs import to_rgb_arrays
from .model_task import FEATURE_TASKS


@torch.no_grad()
def pooled_features(model: nn.Module, inputs: Union[torch.Tensor, Sequence[torch.Tensor]],
                    l2norm: bool = False) -> torch.Tensor:
    """Normalised images -> CPU float32 N x D: the model's last feature, globally average-pooled.

    ``model.extract_feat`` is used when the model has it (Classification, every
    ``BaseSelfSupervisor``); otherwise ``model(inputs, mode='tensor')``. A 4-D map is averaged over
    its spatial axes; a 2-D output (a ViT's class token) is used as is. With a list of views
    (multi-view batch) only the first view is read. With ``l2norm=True`` the result equals the
    ``feature`` of a ``BaseSelfSupervisor``'s predict dicts.

    Args:
        model: an easycv_like algorithm in eval mode.
        inputs: N x C x H x W images already through the model's data preprocessor.
        l2norm: divide every row by its L2 norm.
    """
    images = inputs[0] if isinstance(inputs, (list, tuple)) else inputs
    if hasattr(model, 'extract_feat'):
        feats = model.extract_feat(images)
    else:
        feats = model(images, mode='tensor')
    feat = feats[-1] if isinstance(feats, (list, tuple)) else feats
    feat = global_pool(feat).float()  # N x C x H x W or N x C -> N x C
    if l2norm:
        feat = F.normalize(feat, dim=1)
    return feat.cpu()


class FeatureExtractor(Predictor):
    """``extract(images)`` -> N x D float32 array of pooled features: the backbone's, and a
    classifier's neck after it (what its head reads).

    The model and the inference pipeline are rebuilt from the checkpoint alone, as for every
    predictor (see ``Predictor``).

    Example:
        >>> fx = FeatureExtractor('work_dirs/mocov2_r50/latest.pth')
        >>> fx.extract([rgb_uint8_hwc_array], l2norm=True).shape
        (1, 2048)
    """

    tasks = FEATURE_TASKS  # a detector's or segmentor's checkpoint is refused, naming its predictor

    def extract(self, images: Any, l2norm: bool = False, batch_size: int = 32) -> np.ndarray:
        """Features of the images, one row per image, in order.

        Args:
            images: a file path, a PIL image or an H x W x 3 uint8 RGB array, or a list of them.
            l2norm: L2-normalise every row (what cosine kNN and retrieval use).
            batch_size: images per forward pass.
        """
        if isinstance(images, (list, tuple)) and not images:
            raise ValueError('FeatureExtractor.extract got no images.')
        images = to_rgb_arrays(images)
        rows, order = [], []
        for indices, batch in self.batches(images, batch_size):
            rows.append(pooled_features(self.model, batch['inputs'], l2norm))
            order.extend(indices)
        return torch.cat(rows)[torch.as_tensor(order).argsort()].numpy()  # N x D float32
