"""Supervised image classification: backbone (+ neck) + classification head."""
import torch
from mmengine.logging import print_log
from mmengine.model import BaseModel
from torch import nn

from easycv_like.registry import MODELS

from .classifier_checkpoint import is_bare_classifier, rename_bare_classifier
from .data_preprocessor import ClsDataPreprocessor
from .heads.mobilenet_cls_head import (MobileNetClsHead, is_torchvision_mobilenet,
                                       torchvision_mobilenet_to_classification)
from .loss_terms import NonFiniteTermsMixin


def build_data_preprocessor(cfg: dict | nn.Module | None) -> nn.Module:
    """Build from our MODELS registry (mmengine's builder would miss our classes)."""
    if cfg is None:
        return ClsDataPreprocessor()
    if isinstance(cfg, nn.Module):
        return cfg
    return MODELS.build(cfg)


@MODELS.register_module()
class Classification(NonFiniteTermsMixin, BaseModel):
    """Image classifier built from config parts; one ``forward`` for loss, predict and tensor.

    Args:
        backbone: config of the backbone (returns a tuple of feature maps).
        head: config of the head (``forward(feats) -> logits``, ``loss(logits, labels)``).
        neck: optional config of a neck between backbone and head. Default None.
        data_preprocessor: config dict, module, or None for ``ClsDataPreprocessor()``.
        init_cfg: mmengine init config. Default None.
    """

    def __init__(self, backbone: dict, head: dict, neck: dict | None = None,
                 data_preprocessor: dict | nn.Module | None = None,
                 init_cfg: dict | None = None):
        super().__init__(data_preprocessor=build_data_preprocessor(data_preprocessor),
                         init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.neck = MODELS.build(neck) if neck is not None else None
        self.head = MODELS.build(head)

    def adapt_checkpoint_state(self, state: dict, prefix: str = '') -> None:
        """Rename another project's classifier file to our names (``load_weights`` /
        ``load_from`` call this): a torchvision MobileNet for a MobileNet classifier, else a
        file whose keys are the backbone's own names plus ``fc.*`` / ``head.*`` (torchvision or
        timm ResNet, timm ViT) -- ``classifier_checkpoint.py``."""
        if isinstance(self.head, MobileNetClsHead) and is_torchvision_mobilenet(state, prefix):
            renamed = torchvision_mobilenet_to_classification(state, prefix)
            state.clear()
            state.update(renamed)
        elif is_bare_classifier(state, self.backbone.state_dict().keys(), prefix):
            rename_bare_classifier(state, prefix)
            print_log('Renamed a bare classifier file (torchvision / timm names): X -> '
                      'backbone.X, fc.* / head.* -> head.fc.*', logger='current')

    def extract_feat(self, inputs: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """Normalised N x C x H x W images -> the backbone (+ neck) feature tuple."""
        feats = self.backbone(inputs)
        return self.neck(feats) if self.neck is not None else feats

    def forward(self, inputs: torch.Tensor, data_samples: dict | None = None,
                mode: str = 'tensor'):
        """Route by ``mode``: 'loss' -> dict of losses, 'predict' -> per-sample dicts,
        'tensor' -> logits N x num_classes."""
        if mode == 'tensor':
            return self.head(self.extract_feat(inputs))
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        raise ValueError(f"mode must be 'loss', 'predict' or 'tensor', got {mode!r}")

    def loss(self, inputs: torch.Tensor, data_samples: dict) -> dict[str, torch.Tensor]:
        """Cross-entropy (and logged accuracy) against ``data_samples['gt_label']``."""
        if not data_samples or data_samples.get('gt_label') is None:
            raise ValueError("Classification loss needs data_samples['gt_label']")
        logits = self.head(self.extract_feat(inputs))
        gt_label = torch.as_tensor(data_samples['gt_label'], device=logits.device)
        return self.head.loss(logits, gt_label)

    def predict(self, inputs: torch.Tensor, data_samples: dict | None = None) -> list[dict]:
        """One ``{'pred_score': CPU softmax [K], 'pred_label': int, 'gt_label': int}`` per
        sample; ``gt_label`` is -1 when the batch carries no labels."""
        logits = self.head(self.extract_feat(inputs))  # N x K
        scores = torch.softmax(logits.detach().float(), dim=1).cpu()
        labels = (data_samples or {}).get('gt_label')
        if labels is None:
            labels = [-1] * len(scores)
        labels = torch.as_tensor(labels).reshape(-1).tolist()
        return [{'pred_score': score.clone(), 'pred_label': int(score.argmax()),
                 'gt_label': int(gt)} for score, gt in zip(scores, labels)]
