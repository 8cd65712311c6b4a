"""Tiny registered detector and segmentor for the dense-task tests: they find bright pixels, so
where their answers must land in the original image is known exactly."""
import torch
from torch import nn

from easycv_like.models.detection import BaseDetector
from easycv_like.models.segmentation import BaseSegmentor
from easycv_like.registry import MODELS

RAW = dict(type='DenseDataPreprocessor', mean=None, std=None)
TRAINING_SIZES = []  # (h, w) of every batch BrightBoxDetector.loss saw, in order


@MODELS.register_module(force=True)
class BrightBoxDetector(BaseDetector):
    """One box (label 1, score 0.9) around the pixels whose first channel exceeds
    ``threshold``, in batch-input pixels; none when no pixel does."""

    def __init__(self, threshold: float = 200.0, data_preprocessor=None):
        super().__init__(data_preprocessor=data_preprocessor or dict(RAW))
        self.threshold = threshold
        self.gain = nn.Parameter(torch.ones(1))

    def head_outputs(self, inputs):
        return inputs[:, :1] * self.gain

    def loss(self, inputs, data_samples):
        TRAINING_SIZES.append(tuple(inputs.shape[-2:]))
        return dict(loss_gain=(self.gain - 1).abs().sum(),
                    num_gt=sum(len(s['gt_bboxes']) for s in data_samples))

    def predict_boxes(self, inputs, data_samples):
        results = []
        for mask in self.head_outputs(inputs)[:, 0] > self.threshold:
            ys, xs = torch.nonzero(mask, as_tuple=True)
            if len(ys) == 0:
                results.append((torch.zeros(0, 4), torch.zeros(0),
                                torch.zeros(0, dtype=torch.int64)))
                continue
            box = torch.stack([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]).float()
            results.append((box[None], torch.tensor([0.9]), torch.tensor([1])))
        return results


@MODELS.register_module(force=True)
class BrightPixelSegmentor(BaseSegmentor):
    """Class 1 where the first channel exceeds ``threshold``, else class 0; logits at
    ``1 / stride`` of the input size."""

    def __init__(self, threshold: float = 200.0, stride: int = 1, data_preprocessor=None):
        super().__init__(data_preprocessor=data_preprocessor or dict(RAW))
        self.threshold = threshold
        self.stride = stride
        self.gain = nn.Parameter(torch.ones(1))

    def seg_logits(self, inputs):
        x = inputs[:, :1] - self.threshold
        if self.stride > 1:
            x = nn.functional.max_pool2d(x, self.stride)
        return torch.cat([-x, x], dim=1) * self.gain

    def loss(self, inputs, data_samples):
        return dict(loss_gain=(self.gain - 1).abs().sum())


@MODELS.register_module(force=True)
class MeanContrastSegmentor(BaseSegmentor):
    """Class 1 where the first channel exceeds the mean of the whole batch input: like
    LR-ASPP's or ASPP's image pooling, its answer moves with the padding an image gets."""

    def __init__(self, data_preprocessor=None):
        super().__init__(data_preprocessor=data_preprocessor or dict(RAW))
        self.gain = nn.Parameter(torch.ones(1))

    def seg_logits(self, inputs):
        x = inputs[:, :1] - inputs[:, :1].mean(dim=(2, 3), keepdim=True)
        return torch.cat([-x, x], dim=1) * self.gain

    def loss(self, inputs, data_samples):
        return dict(loss_gain=(self.gain - 1).abs().sum())
