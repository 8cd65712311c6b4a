"""Map the parameter names of an official MAE pre-training checkpoint onto our ``MAE`` model.

The reference code keeps encoder and decoder in one module: the encoder's names at the top
(``patch_embed``, ``cls_token``, ``pos_embed``, ``blocks``, ``norm``) and ``decoder_*`` names for
the decoder. Ours are ``backbone.*`` and ``neck.*`` (``MAEDecoder``). Its fixed
``decoder_pos_embed`` is not stored by us (a constant buffer): it is compared with ours instead,
so a checkpoint made with another position embedding is refused rather than decoded wrongly.
"""
from typing import Dict

import torch

from ...utils.weight_loading import WeightLoadError

DECODER_NAMES = {'decoder_embed.': 'embed.', 'decoder_blocks.': 'blocks.',
                 'decoder_norm.': 'norm.', 'decoder_pred.': 'pred.', 'mask_token': 'mask_token'}


def is_official_mae(state: Dict[str, torch.Tensor], prefix: str = '') -> bool:
    """Whether ``state`` uses the reference names (``decoder_embed.weight`` at ``prefix``)."""
    return f'{prefix}decoder_embed.weight' in state


def rename_official_mae(state: Dict[str, torch.Tensor], decoder_pos_embed: torch.Tensor,
                        prefix: str = '') -> None:
    """Rename the reference keys under ``prefix`` in place to ``backbone.*`` / ``neck.*``.

    Args:
        state: the checkpoint's tensors.
        decoder_pos_embed: our decoder's fixed embedding, 1 x (1 + L) x E, to compare with.
        prefix: where the MAE model sits in the state's names.
    """
    for key in [k for k in state if k.startswith(prefix)]:
        name = key[len(prefix):]
        if name == 'decoder_pos_embed':
            theirs = state.pop(key)
            if theirs.shape != decoder_pos_embed.shape or not torch.allclose(
                    theirs.float(), decoder_pos_embed.float(), atol=1e-5):
                raise WeightLoadError(
                    f'{key} of the checkpoint differs from our decoder position embedding '
                    f'(shape {tuple(theirs.shape)} vs {tuple(decoder_pos_embed.shape)}): the '
                    'decoder would see other positions than it was trained with.')
            continue
        new = next((f'neck.{ours}{name[len(old):]}' for old, ours in DECODER_NAMES.items()
                    if name.startswith(old)), f'backbone.{name}')
        state[f'{prefix}{new}'] = state.pop(key)
