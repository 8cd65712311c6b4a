"""Light-weight MAE decoder (He et al., https://arxiv.org/abs/2111.06377): visible tokens +
mask tokens -> pixels of every patch."""
from typing import Optional

import torch
from mmengine.model import BaseModule
from torch import nn

from easycv_like.registry import MODELS

from ..backbones.vit_layers import TransformerBlock, sincos_pos_embed


@MODELS.register_module()
class MAEDecoder(BaseModule):
    """Re-inserts a learned mask token at every removed patch, restores the patch order, adds a
    fixed sin-cos position embedding and predicts each patch's pixels with a few transformer
    blocks.

    Unlike the other necks it takes the encoder's tokens and the restore order (the output of
    ``VisionTransformer.forward_masked``), not a feature tuple.

    Args:
        in_channels: width of the encoder tokens. Default 768 (ViT-B).
        img_size: image side the decoder predicts. Default 224.
        patch_size: patch side p. Default 16.
        img_channels: image channels C. Default 3.
        embed_dim: decoder width. Default 512.
        depth: decoder blocks. Default 8.
        num_heads: decoder attention heads. Default 16.
        mlp_ratio: MLP hidden width over ``embed_dim``. Default 4.0.
        init_cfg: mmengine init config. Default None (Xavier-uniform linear layers, as MAE).
    """

    def __init__(self, in_channels: int = 768, img_size: int = 224, patch_size: int = 16,
                 img_channels: int = 3, embed_dim: int = 512, depth: int = 8,
                 num_heads: int = 16, mlp_ratio: float = 4.0,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        grid = img_size // patch_size
        self.num_patches = grid**2
        self.embed = nn.Linear(in_channels, embed_dim)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        pos = torch.cat([torch.zeros(1, embed_dim), sincos_pos_embed(grid, grid, embed_dim)])
        self.register_buffer('pos_embed', pos.unsqueeze(0), persistent=False)  # 1 x (1+L) x E
        self.blocks = nn.ModuleList(
            TransformerBlock(embed_dim, num_heads, mlp_ratio) for _ in range(depth))
        self.norm = nn.LayerNorm(embed_dim, eps=1e-6)
        self.pred = nn.Linear(embed_dim, patch_size**2 * img_channels)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)
        nn.init.normal_(self.mask_token, std=0.02)

    def forward(self, tokens: torch.Tensor, ids_restore: torch.Tensor) -> torch.Tensor:
        """Encoder tokens N x (1 + L_keep) x D and ids_restore N x L -> pixels N x L x (p*p*C)."""
        if ids_restore.shape[1] != self.num_patches:
            raise ValueError(f'the decoder was built for {self.num_patches} patches, '
                             f'got {ids_restore.shape[1]}')
        x = self.embed(tokens)  # N x (1 + L_keep) x E
        n, num_kept = x.shape[0], x.shape[1] - 1
        masks = self.mask_token.expand(n, self.num_patches - num_kept, -1)
        patches = torch.cat([x[:, 1:], masks], dim=1)  # N x L x E, in shuffled order
        index = ids_restore.unsqueeze(-1).expand(-1, -1, x.shape[-1])
        patches = torch.gather(patches, 1, index)  # N x L x E, in image order
        x = torch.cat([x[:, :1], patches], dim=1) + self.pos_embed  # N x (1 + L) x E
        for block in self.blocks:
            x = block(x)
        return self.pred(self.norm(x))[:, 1:]  # N x L x (p*p*C)
