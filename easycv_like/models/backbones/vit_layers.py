"""The building blocks of the Vision Transformer (``vision_transformer.py``) and of MAE's decoder
(``necks/mae_decoder.py``): patch embedding, attention, the pre-norm block with stochastic depth,
the fixed sine-cosine position embedding and MAE's random masking.

Parameter names are the common ViT layout (``attn.qkv``, ``attn.proj``, ``mlp.fc1``, ``mlp.fc2``,
``norm1``, ``norm2``, ``patch_embed.proj``), so DeiT, DINO and MAE checkpoints map by name.
"""
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from easycv_like.errors import ConfigError
from easycv_like.models.rank_rows import this_rank_rows


def sincos_pos_embed(grid_h: int, grid_w: int, dim: int) -> torch.Tensor:
    """Fixed 2-D sine-cosine position embedding (MAE): ``(grid_h * grid_w) x dim``, row-major.

    The first half of the channels encodes the column, the second half the row (the order of
    MAE's reference code, whose ``emb_h`` reads the x coordinate of ``np.meshgrid(w, h)``), so
    MAE checkpoints see the embedding they were trained with. Each half is sin then cos of the
    position at ``dim / 4`` frequencies ``1 / 10000 ** (k / (dim / 4))``.
    """
    if dim % 4:
        raise ValueError(f'sin-cos position embedding needs dim divisible by 4, got {dim}')
    freqs = 1.0 / 10000 ** (torch.arange(dim // 4, dtype=torch.float64) / (dim // 4))
    rows, cols = torch.meshgrid(torch.arange(grid_h, dtype=torch.float64),
                                torch.arange(grid_w, dtype=torch.float64), indexing='ij')

    def encode(pos: torch.Tensor) -> torch.Tensor:  # (h*w) -> (h*w) x dim/2
        angles = pos.reshape(-1, 1) * freqs
        return torch.cat([angles.sin(), angles.cos()], dim=1)

    return torch.cat([encode(cols), encode(rows)], dim=1).float()


def random_masking(tokens: torch.Tensor, mask_ratio: float,
                   noise: Optional[torch.Tensor] = None):
    """Keep a random ``1 - mask_ratio`` share of the tokens of every sample (MAE).

    Each sample is shuffled by ``argsort`` of its own uniform noise; the first tokens of the
    shuffle are kept.

    Args:
        tokens: N x L x D.
        mask_ratio: share of the L tokens removed.
        noise: optional N x L scores (lowest kept); default uniform random, drawn for the
            global batch so that ranks mask their samples differently (``this_rank_rows``).

    Returns:
        ``(kept N x L_keep x D, mask N x L with 1 = removed, ids_restore N x L)``;
        ``ids_restore`` puts a sequence in shuffled order back into the original order.
    """
    n, length, dim = tokens.shape
    num_keep = int(length * (1 - mask_ratio))
    if noise is None:
        noise = this_rank_rows(lambda rows: torch.rand(rows, length, device=tokens.device), n)
    ids_shuffle = torch.argsort(noise, dim=1)  # N x L, ascending: small noise is kept
    ids_restore = torch.argsort(ids_shuffle, dim=1)  # N x L
    ids_keep = ids_shuffle[:, :num_keep]
    kept = torch.gather(tokens, 1, ids_keep.unsqueeze(-1).expand(-1, -1, dim))
    mask = torch.ones(n, length, device=tokens.device)
    mask[:, :num_keep] = 0
    return kept, torch.gather(mask, 1, ids_restore), ids_restore


class DropPath(nn.Module):
    """Stochastic depth: drop a residual branch for whole samples with probability ``drop_prob``
    (https://arxiv.org/abs/1603.09382); kept samples are scaled by ``1 / (1 - drop_prob)``.
    The draws differ between ranks (``this_rank_rows``)."""

    def __init__(self, drop_prob: float = 0.0) -> None:
        super().__init__()
        self.drop_prob = drop_prob

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.drop_prob == 0.0:
            return x
        keep = 1.0 - self.drop_prob
        ones = (1,) * (x.dim() - 1)
        kept = this_rank_rows(lambda rows: x.new_empty((rows,) + ones).bernoulli_(keep),
                              x.shape[0])
        return x * kept / keep


class Attention(nn.Module):
    """Multi-head self-attention through ``F.scaled_dot_product_attention``."""

    def __init__(self, dim: int, num_heads: int, qkv_bias: bool = True) -> None:
        super().__init__()
        if dim % num_heads:
            raise ConfigError(f'embed_dim {dim} is not divisible by num_heads {num_heads}')
        self.num_heads = num_heads
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, length, dim = x.shape
        qkv = self.qkv(x).reshape(n, length, 3, self.num_heads, dim // self.num_heads)
        q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)  # each N x heads x L x D/heads
        x = F.scaled_dot_product_attention(q, k, v)
        return self.proj(x.transpose(1, 2).reshape(n, length, dim))  # N x L x D


class TransformerBlock(nn.Module):
    """Pre-norm block: ``x + attn(norm1(x))``, then ``x + mlp(norm2(x))``, with stochastic depth.

    Args:
        dim: token width.
        num_heads: attention heads.
        mlp_ratio: hidden width of the MLP over ``dim``. Default 4.0.
        qkv_bias: bias on the query/key/value projection. Default True.
        drop_path: stochastic depth probability of both branches. Default 0.0.
    """

    def __init__(self, dim: int, num_heads: int, mlp_ratio: float = 4.0, qkv_bias: bool = True,
                 drop_path: float = 0.0) -> None:
        super().__init__()
        hidden = int(dim * mlp_ratio)
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, num_heads, qkv_bias)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = nn.Sequential()
        self.mlp.add_module('fc1', nn.Linear(dim, hidden))
        self.mlp.add_module('act', nn.GELU())
        self.mlp.add_module('fc2', nn.Linear(hidden, dim))
        self.drop_path = DropPath(drop_path)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # N x L x D -> N x L x D
        x = x + self.drop_path(self.attn(self.norm1(x)))
        return x + self.drop_path(self.mlp(self.norm2(x)))


class PatchEmbed(nn.Module):
    """Non-overlapping ``patch_size`` patches -> tokens, by one strided convolution."""

    def __init__(self, patch_size: int, in_channels: int, embed_dim: int) -> None:
        super().__init__()
        self.patch_size = patch_size
        self.proj = nn.Conv2d(in_channels, embed_dim, patch_size, stride=patch_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-2] % self.patch_size or x.shape[-1] % self.patch_size:
            raise ValueError(f'image size {tuple(x.shape[-2:])} is not a multiple of the patch '
                             f'size {self.patch_size}')
        return self.proj(x)  # N x D x H/p x W/p
