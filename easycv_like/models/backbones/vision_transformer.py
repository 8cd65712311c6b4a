"""Vision Transformer (Dosovitskiy et al., https://arxiv.org/abs/2010.11929), DeiT variants
(Touvron et al., https://arxiv.org/abs/2012.12877) by config, with the masked forward of MAE.

Parameter names follow the common ViT layout (``patch_embed.proj``, ``cls_token``, ``pos_embed``,
``blocks.{i}.norm1/attn.qkv/attn.proj/norm2/mlp.fc1/mlp.fc2``, ``norm``), so DeiT, DINO and MAE
checkpoints map onto this backbone by name.

Variants are configs: DeiT-small ``embed_dim=384, depth=12, num_heads=6``; ViT-B ``768/12/12``;
ViT-L ``1024/24/16``.
"""
from collections.abc import Sequence
from typing import Optional

import torch
import torch.nn.functional as F
from mmengine.logging import print_log
from mmengine.model import BaseModule
from torch import nn

from easycv_like.errors import ConfigError
from easycv_like.registry import MODELS

from .global_pool import GlobalPoolMixin
from .vit_layers import PatchEmbed, TransformerBlock, random_masking, sincos_pos_embed

OUTPUTS = ('cls', 'avg', 'featmap')


@MODELS.register_module()
class VisionTransformer(GlobalPoolMixin, BaseModule):
    """ViT/DeiT backbone returning one feature per entry of ``out_indices``.

    Paper: https://arxiv.org/abs/2010.11929 (DeiT: https://arxiv.org/abs/2012.12877).
    Images whose size differs from ``img_size`` (e.g. 96 px multi-crop views) get a bicubically
    resized patch position embedding, and a checkpoint with another grid (a 224 px file for a
    384 px model) is resized when loaded through ``load_weights`` (bicubic on the grid, class
    token kept). Index ``i`` of ``out_indices`` is the output of block ``i``
    (negative indices count from the end); the final LayerNorm only follows the last block.

    Outputs (``output``), per selected block:

    - ``'cls'``: the class token, N x D (DINO/MoBY heads, ``ClsHead(with_avg_pool=False)``);
    - ``'avg'``: the mean of the patch tokens, N x D, through its own LayerNorm ``fc_norm``
      (the final norm of the tokens is then absent, as in timm and MAE fine-tuning, so their
      checkpoints load strictly);
    - ``'featmap'``: the patch tokens as a map N x D x H/p x W/p (dense heads, pooled by
      ``BaseSelfSupervisor.predict`` and ``ClsHead``).

    Args:
        img_size: training image side; sets the size of ``pos_embed``. Default 224.
        patch_size: patch side. Default 16.
        in_channels: image channels. Default 3.
        embed_dim: token width D. Default 384 (DeiT-small).
        depth: number of blocks. Default 12.
        num_heads: attention heads. Default 6.
        mlp_ratio: MLP hidden width over D. Default 4.0.
        qkv_bias: bias on the query/key/value projection. Default True.
        drop_path_rate: stochastic depth, rising linearly from 0 to this value over the blocks.
            Default 0.0.
        out_indices: blocks whose output is returned, in this order. Default (-1,).
        final_norm: LayerNorm after the last block (``fc_norm`` after pooling for ``'avg'``).
            Default True.
        output: ``'cls'``, ``'avg'`` or ``'featmap'``. Default 'cls'.
        pos_embed: ``'learned'`` (trained, truncated-normal init) or ``'sincos'`` (fixed 2-D
            sine-cosine, as in MAE). Default 'learned'.
        init_cfg: mmengine init config. Default None (truncated-normal init, std 0.02).
    """

    def __init__(self, img_size: int = 224, patch_size: int = 16, in_channels: int = 3,
                 embed_dim: int = 384, depth: int = 12, num_heads: int = 6,
                 mlp_ratio: float = 4.0, qkv_bias: bool = True, drop_path_rate: float = 0.0,
                 out_indices: Sequence[int] = (-1,), final_norm: bool = True,
                 output: str = 'cls', pos_embed: str = 'learned',
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if output not in OUTPUTS:
            raise ConfigError(f'output must be one of {OUTPUTS}, got {output!r}')
        if pos_embed not in ('learned', 'sincos'):
            raise ConfigError(f"pos_embed must be 'learned' or 'sincos', got {pos_embed!r}")
        if img_size % patch_size:
            raise ConfigError(f'img_size {img_size} is not a multiple of patch_size {patch_size}')
        indices = [i % depth for i in out_indices]
        if not indices or any(not -depth <= i < depth for i in out_indices):
            raise ConfigError(f'out_indices must be non-empty block indices of 0..{depth - 1} '
                              f'(or negative), got {out_indices}')
        self.out_indices = tuple(indices)
        self.output = output
        self.patch_size = patch_size
        self.embed_dim = embed_dim
        self.depth = depth
        self.out_channels = [embed_dim] * len(indices)
        self.grid = img_size // patch_size

        self.patch_embed = PatchEmbed(patch_size, in_channels, embed_dim)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, 1 + self.grid**2, embed_dim),
                                      requires_grad=pos_embed == 'learned')
        rates = torch.linspace(0, drop_path_rate, depth).tolist()
        self.blocks = nn.ModuleList(
            TransformerBlock(embed_dim, num_heads, mlp_ratio, qkv_bias, rate) for rate in rates)
        pooled_norm = output == 'avg' and final_norm
        self.norm = nn.LayerNorm(embed_dim, eps=1e-6) if final_norm and not pooled_norm \
            else nn.Identity()
        if pooled_norm:
            self.fc_norm = nn.LayerNorm(embed_dim, eps=1e-6)
        self._init_parameters(pos_embed)

    def _init_parameters(self, pos_embed: str) -> None:
        """Truncated normal (std 0.02) for linear layers and tokens, 1/0 for LayerNorm."""
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.LayerNorm):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        nn.init.trunc_normal_(self.cls_token, std=0.02)
        with torch.no_grad():
            if pos_embed == 'sincos':
                self.pos_embed[0, 1:] = sincos_pos_embed(self.grid, self.grid, self.embed_dim)
            else:
                nn.init.trunc_normal_(self.pos_embed, std=0.02)

    @property
    def num_layers(self) -> int:
        """Number of layer ids: 0 = embeddings, 1..depth = blocks, depth + 1 = after them."""
        return self.depth + 2

    def layer_id(self, name: str) -> int:
        """Layer id of a parameter name relative to this backbone (layer-wise lr decay)."""
        if name.startswith(('cls_token', 'pos_embed', 'patch_embed')):
            return 0
        if name.startswith('blocks.'):
            return int(name.split('.')[1]) + 1
        return self.depth + 1

    def patch_pos_embed(self, grid_h: int, grid_w: int) -> torch.Tensor:
        """Position embedding of the patch tokens for a grid_h x grid_w grid: 1 x (h*w) x D."""
        pos = self.pos_embed[:, 1:]
        if (grid_h, grid_w) == (self.grid, self.grid):
            return pos
        pos = pos.reshape(1, self.grid, self.grid, -1).permute(0, 3, 1, 2)  # 1 x D x g x g
        pos = F.interpolate(pos, size=(grid_h, grid_w), mode='bicubic', align_corners=False)
        return pos.flatten(2).transpose(1, 2)  # 1 x (h*w) x D

    def adapt_checkpoint_state(self, state: dict, prefix: str = '') -> None:
        """Resize a checkpoint's ``pos_embed`` of another grid to this model's (``load_weights``
        calls this): bicubic on the square patch grid, the class token's entry kept."""
        key = f'{prefix}pos_embed'
        pos = state.get(key)
        if pos is None or pos.shape == self.pos_embed.shape or pos.dim() != 3:
            return
        num_patches = pos.shape[1] - 1
        old = int(round(num_patches**0.5))
        if old * old != num_patches or pos.shape[2] != self.embed_dim:
            return  # not a grid we can resize: the report lists it as shape-mismatched
        grid = pos[:, 1:].reshape(1, old, old, -1).permute(0, 3, 1, 2).float()
        grid = F.interpolate(grid, size=(self.grid, self.grid), mode='bicubic',
                             align_corners=False)
        state[key] = torch.cat([pos[:, :1], grid.flatten(2).transpose(1, 2).to(pos.dtype)], 1)
        print_log(f'{key}: resized the position embedding from a {old}x{old} grid to '
                  f'{self.grid}x{self.grid}.', logger='current')

    def embed(self, x: torch.Tensor) -> tuple[torch.Tensor, int, int]:
        """Images N x C x H x W -> (patch tokens with position N x (h*w) x D, h, w)."""
        x = self.patch_embed(x)  # N x D x h x w
        grid_h, grid_w = x.shape[-2:]
        return x.flatten(2).transpose(1, 2) + self.patch_pos_embed(grid_h, grid_w), grid_h, grid_w

    def _with_cls(self, tokens: torch.Tensor) -> torch.Tensor:
        cls = (self.cls_token + self.pos_embed[:, :1]).expand(tokens.shape[0], -1, -1)
        return torch.cat([cls, tokens], dim=1)  # N x (1 + L) x D

    def _format(self, tokens: torch.Tensor, last: bool, grid_h: int, grid_w: int) -> torch.Tensor:
        """Tokens N x (1 + h*w) x D of one block -> the feature chosen by ``output``."""
        if self.output == 'avg':
            pooled = tokens[:, 1:].mean(dim=1)  # N x D
            return self.fc_norm(pooled) if last and hasattr(self, 'fc_norm') else pooled
        if last:
            tokens = self.norm(tokens)
        if self.output == 'cls':
            return tokens[:, 0]  # N x D
        return tokens[:, 1:].transpose(1, 2).reshape(len(tokens), -1, grid_h, grid_w)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        tokens, grid_h, grid_w = self.embed(x)
        tokens = self._with_cls(tokens)  # N x (1 + h*w) x D
        outs = {}
        for i, block in enumerate(self.blocks):
            tokens = block(tokens)
            if i in self.out_indices:
                outs[i] = self._format(tokens, i == self.depth - 1, grid_h, grid_w)
            if i == max(self.out_indices):
                break
        return tuple(outs[i] for i in self.out_indices)

    def forward_masked(self, x: torch.Tensor, mask_ratio: float = 0.75,
                       noise: Optional[torch.Tensor] = None):
        """Encode only a random ``1 - mask_ratio`` share of the patches of each image (MAE).

        Args:
            x: images N x C x H x W.
            mask_ratio: share of patches removed. Default 0.75.
            noise: optional N x L masking scores (see :func:`random_masking`).

        Returns:
            ``(tokens N x (1 + L_keep) x D after all blocks and the final norm, mask N x L with
            1 = removed, ids_restore N x L)``, L = number of patches.
        """
        tokens, _, _ = self.embed(x)  # N x L x D
        tokens, mask, ids_restore = random_masking(tokens, mask_ratio, noise)
        tokens = self._with_cls(tokens)  # N x (1 + L_keep) x D
        for block in self.blocks:
            tokens = block(tokens)
        return self.norm(tokens), mask, ids_restore
