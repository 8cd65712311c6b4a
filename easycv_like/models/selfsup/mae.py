"""MAE: masked autoencoders (He et al., https://arxiv.org/abs/2111.06377)."""
from typing import Dict, List, Optional

import torch

from ...errors import ConfigError
from ...registry import MODELS
from ..losses.mae_loss import patchify
from .base import BaseSelfSupervisor
from .mae_checkpoint import is_official_mae, rename_official_mae


@MODELS.register_module()
class MAE(BaseSelfSupervisor):
    """Reconstruct the pixels of randomly masked patches from the visible ones.

    The ViT encoder (``backbone``, a ``VisionTransformer``) sees only a random
    ``1 - mask_ratio`` share of each image's patches (``forward_masked``); the light decoder
    (``neck``, an ``MAEDecoder``) predicts every patch, and the loss is the (per-patch
    normalised) pixel error on the masked patches only (``head``, an ``MAEHead``).
    ``predict``/``tensor`` run the encoder on the whole image, for kNN evaluation and feature
    extraction. An official MAE pre-training checkpoint (the reference code's names) loads
    through ``load_weights`` and continues with the same decoder.

    Args:
        backbone: ``VisionTransformer`` config.
        neck: ``MAEDecoder`` config (its ``in_channels`` = the encoder width).
        mask_ratio: share of patches removed per image. Default 0.75.
        head: loss head config. Default ``dict(type='MAEHead', norm_pix=True)``.
        data_preprocessor: see ``BaseSelfSupervisor``.
        init_cfg: mmengine init config.
    """

    def __init__(self, backbone: dict, neck: dict, mask_ratio: float = 0.75,
                 head: Optional[dict] = None, data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(backbone, neck=neck, head=head or dict(type='MAEHead', norm_pix=True),
                         data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if not 0.0 <= mask_ratio < 1.0:
            raise ConfigError(f'MAE.mask_ratio must be in [0, 1), got {mask_ratio}.')
        self.mask_ratio = mask_ratio

    def loss(self, inputs: List[torch.Tensor],
             data_samples: Optional[dict] = None) -> Dict[str, torch.Tensor]:
        images = inputs[0]  # N x C x H x W
        tokens, mask, ids_restore = self.backbone.forward_masked(images, self.mask_ratio)
        pred = self.neck(tokens, ids_restore)  # N x L x (p*p*C)
        target = patchify(images, self.backbone.patch_size)  # N x L x (p*p*C)
        return self.head(pred, target, mask)

    def adapt_checkpoint_state(self, state: Dict[str, torch.Tensor], prefix: str = '') -> None:
        """Rename an official MAE checkpoint's keys to ours (called by ``load_weights``)."""
        if is_official_mae(state, prefix):
            rename_official_mae(state, self.neck.pos_embed, prefix)
