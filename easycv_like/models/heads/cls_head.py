"""Linear classification head: global average pool of the last feature map, then a linear layer."""
from collections.abc import Sequence

import torch
from mmengine.model import BaseModule
from torch import nn

from easycv_like.errors import ConfigError
from easycv_like.registry import MODELS

from ..backbones.global_pool import global_pool
from ..losses import check_topk, cross_entropy, topk_accuracy


@MODELS.register_module()
class ClsHead(BaseModule):
    """Turn a backbone's feature tuple into class logits and compute the classification loss.

    Args:
        in_channels: channels of the last feature map (e.g. ``backbone.out_channels[-1]``).
        num_classes: number of classes.
        with_avg_pool: global-average-pool an N x C x H x W map to N x C first; without it
            the last feature is flattened. Default True.
        label_smoothing: smoothing of the cross-entropy target. Default 0.0.
        topk: ``k`` values of the training accuracies logged as ``acc_top{k}``, each at most
            ``num_classes`` (a larger one would log 100% whatever the model: ``ConfigError``,
            as ``ClsEvaluator``). Default (1,).
        init_cfg: mmengine init config. Default None (weights normal std 0.01, bias 0).
    """

    def __init__(self, in_channels: int, num_classes: int, with_avg_pool: bool = True,
                 label_smoothing: float = 0.0, topk: Sequence[int] = (1,),
                 init_cfg: dict | None = None):
        super().__init__(init_cfg=init_cfg)
        if num_classes <= 0:
            raise ConfigError(f'{type(self).__name__}.num_classes must be >= 1, got {num_classes}.')
        self.in_channels = in_channels
        self.num_classes = num_classes
        self.with_avg_pool = with_avg_pool
        self.label_smoothing = label_smoothing
        self.topk = tuple(topk)
        check_topk(self.topk, num_classes, type(self).__name__)
        self.fc = nn.Linear(in_channels, num_classes)
        nn.init.normal_(self.fc.weight, mean=0.0, std=0.01)
        nn.init.zeros_(self.fc.bias)

    def forward(self, feats: Sequence[torch.Tensor]) -> torch.Tensor:
        """Logits N x num_classes from the last element of ``feats``."""
        x = global_pool(feats[-1]) if self.with_avg_pool else feats[-1]  # N x C or raw
        return self.fc(torch.flatten(x, 1))  # N x C -> N x num_classes

    def loss(self, logits: torch.Tensor, gt_label: torch.Tensor) -> dict[str, torch.Tensor]:
        """``dict(loss=cross-entropy, acc_top{k}=batch accuracy in percent, detached)``."""
        losses = {'loss': cross_entropy(logits, gt_label, self.label_smoothing)}
        accs = topk_accuracy(logits.detach(), gt_label, self.topk)
        losses.update({f'acc_top{k}': acc for k, acc in zip(self.topk, accs)})
        return losses
