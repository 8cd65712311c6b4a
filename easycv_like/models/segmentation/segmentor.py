"""``Segmentation``: the encoder-decoder semantic segmentor (backbone -> decode head, plus an
optional auxiliary head that only adds a training loss)."""
from typing import Dict, List, Optional, Union

import torch
from torch import nn

from easycv_like.errors import ConfigError
from easycv_like.registry import MODELS

from .base import BaseSegmentor
from .torchvision_names import is_torchvision_segmentation, rename_torchvision_segmentation


@MODELS.register_module()
class Segmentation(BaseSegmentor):
    """Backbone features -> ``decode_head`` logits; ``auxiliary_head`` (e.g. an ``FCNHead`` on an
    earlier stage) adds its loss, scaled by ``aux_loss_weight``, in training only.

    Losses: per-pixel cross-entropy of the logits upsampled (bilinear) to the input size, pixels
    labelled 255 left out (``loss_ce``, ``loss_aux_ce``). ``predict`` maps label maps back to the
    original images (``BaseSegmentor``). torchvision segmentation weights load through
    ``load_weights`` / ``load_from`` (see ``torchvision_names.py``).

    Args:
        backbone: backbone config; its ``out_indices`` give the tuple the heads index.
        decode_head: head config (``ASPPHead``, ``LRASPPHead``, ``FCNHead``).
        auxiliary_head: optional head config. Default None.
        aux_loss_weight: factor of the auxiliary loss. Default 0.5 (torchvision's recipe).
        data_preprocessor: default ``DenseDataPreprocessor()``.
        init_cfg: mmengine init config.
    """

    def __init__(self, backbone: dict, decode_head: dict, auxiliary_head: Optional[dict] = None,
                 aux_loss_weight: float = 0.5,
                 data_preprocessor: Union[dict, nn.Module, None] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if aux_loss_weight < 0:
            raise ConfigError(f'Segmentation.aux_loss_weight must be >= 0, got {aux_loss_weight}.')
        self.backbone = MODELS.build(backbone)
        self.decode_head = MODELS.build(decode_head)
        self.auxiliary_head = MODELS.build(auxiliary_head) if auxiliary_head else None
        self.aux_loss_weight = aux_loss_weight

    def seg_logits(self, inputs: torch.Tensor) -> torch.Tensor:
        """Images N x 3 x H x W -> logits N x K x h x w at the decode head's stride."""
        return self.decode_head(self.backbone(inputs))

    def loss(self, inputs: torch.Tensor, data_samples: List[dict]) -> Dict[str, torch.Tensor]:
        missing = [i for i, s in enumerate(data_samples) if s.get('gt_seg_map') is None]
        if missing:
            raise KeyError(f'Segmentation.loss needs gt_seg_map in every data sample; samples '
                           f'{missing[:8]} have none (is LoadSegMap in the pipeline?).')
        target = torch.stack([s['gt_seg_map'] for s in data_samples]).long()  # N x H x W
        if target.shape[-2:] != inputs.shape[-2:]:
            raise ValueError(f'gt_seg_map is {tuple(target.shape[-2:])} but the input is '
                             f'{tuple(inputs.shape[-2:])}: collate with pad_collate.')
        feats = self.backbone(inputs)
        losses = self.decode_head.loss(self.decode_head(feats), target)
        if self.auxiliary_head is not None:
            aux = self.auxiliary_head.loss(self.auxiliary_head(feats), target)
            losses.update({f'loss_aux{k[len("loss"):]}': self.aux_loss_weight * v
                           for k, v in aux.items()})
        return losses

    def adapt_checkpoint_state(self, state: Dict[str, torch.Tensor], prefix: str) -> None:
        """Rename a torchvision segmentation state dict (``classifier.*``) to our names."""
        if is_torchvision_segmentation(state, prefix):
            rename_torchvision_segmentation(state, self, prefix)
