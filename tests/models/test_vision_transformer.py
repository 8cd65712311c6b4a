"""VisionTransformer: output kinds, position-embedding interpolation, masked forward, layer ids."""
import math

import pytest
import torch
import torch.nn.functional as F

from easycv_like.models.backbones import VisionTransformer
from easycv_like.models.backbones.vit_layers import random_masking, sincos_pos_embed
from easycv_like.models.heads import ClsHead
from easycv_like.models.selfsup import BaseSelfSupervisor
from easycv_like.utils.weight_loading import load_weights


def _vit(**kwargs):
    cfg = dict(img_size=32, patch_size=4, embed_dim=32, depth=2, num_heads=2)
    cfg.update(kwargs)
    return VisionTransformer(**cfg).eval()


@pytest.mark.parametrize('size', [32, 16])
def test_output_shapes_for_two_input_sizes(size):
    grid = size // 4
    images = torch.randn(2, 3, size, size)
    cls, = _vit()(images)
    assert cls.shape == (2, 32)
    avg, = _vit(output='avg')(images)
    assert avg.shape == (2, 32)
    first, last = _vit(output='featmap', out_indices=(0, -1))(images)
    assert first.shape == last.shape == (2, 32, grid, grid)


def test_non_square_input_and_out_channels():
    model = _vit(output='featmap', out_indices=(1, 0))
    assert model.out_indices == (1, 0) and model.out_channels == [32, 32]
    feats = model(torch.randn(1, 3, 16, 24))
    assert [f.shape for f in feats] == [(1, 32, 4, 6)] * 2


def test_pos_embed_interpolation_keeps_native_size_and_resizes_others():
    model = _vit()
    assert torch.equal(model.patch_pos_embed(8, 8), model.pos_embed[:, 1:])
    resized = model.patch_pos_embed(4, 4)
    assert resized.shape == (1, 16, 32)
    # a constant embedding stays constant under bicubic resizing
    with torch.no_grad():
        model.pos_embed.fill_(0.5)
    assert torch.allclose(model.patch_pos_embed(3, 5), torch.full((1, 15, 32), 0.5))


def test_rejects_bad_arguments():
    with pytest.raises(ValueError, match='output'):
        _vit(output='pooled')
    with pytest.raises(ValueError, match='out_indices'):
        _vit(out_indices=(2,))
    with pytest.raises(ValueError, match='multiple of the patch'):
        _vit()(torch.randn(1, 3, 30, 30))


def test_sincos_pos_embed_is_fixed_and_well_formed():
    emb = sincos_pos_embed(2, 3, 8)
    assert emb.shape == (6, 8)
    # the first quarter of channels is sin(column * freq): zero in column 0 (tokens 0 and 3)
    assert torch.allclose(emb[[0, 3], :2], torch.zeros(2, 2))
    model = _vit(pos_embed='sincos')
    assert not model.pos_embed.requires_grad
    assert torch.allclose(model.pos_embed[0, 1:], sincos_pos_embed(8, 8, 32))


def test_random_masking_keeps_a_quarter_per_sample():
    tokens = torch.arange(2 * 8, dtype=torch.float32).view(2, 8, 1)
    noise = torch.tensor([[0.9, 0.1, 0.8, 0.7, 0.6, 0.2, 0.5, 0.4],
                          [0.1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.2]])
    kept, mask, ids_restore = random_masking(tokens, 0.75, noise)
    assert kept.squeeze(-1).tolist() == [[1, 5], [8, 15]]
    assert mask.tolist() == [[1, 0, 1, 1, 1, 0, 1, 1], [0, 1, 1, 1, 1, 1, 1, 0]]
    shuffled = torch.gather(tokens, 1, torch.argsort(noise, dim=1).unsqueeze(-1))
    assert torch.equal(torch.gather(shuffled, 1, ids_restore.unsqueeze(-1)), tokens)


def test_forward_masked_keeps_25_percent_of_patches():
    torch.manual_seed(0)
    tokens, mask, ids_restore = _vit().forward_masked(torch.randn(3, 3, 32, 32), 0.75)
    assert tokens.shape == (3, 1 + 16, 32)  # 64 patches, 16 kept, plus the class token
    assert mask.shape == ids_restore.shape == (3, 64)
    assert mask.sum(dim=1).tolist() == [48.0] * 3
    assert not torch.equal(mask[0], mask[1])  # each sample draws its own mask


def test_masked_forward_with_nothing_masked_equals_forward():
    model = _vit(output='featmap')
    images = torch.randn(2, 3, 32, 32)
    noise = torch.arange(64.0).expand(2, -1)  # identity shuffle
    tokens, mask, _ = model.forward_masked(images, 0.0, noise)
    assert mask.sum() == 0
    fmap, = model(images)
    assert torch.allclose(tokens[:, 1:].transpose(1, 2).reshape(2, 32, 8, 8), fmap, atol=1e-5)


def test_drop_path_rises_linearly_and_is_inactive_in_eval():
    model = _vit(depth=3, drop_path_rate=0.2)
    assert [b.drop_path.drop_prob for b in model.blocks] == pytest.approx([0.0, 0.1, 0.2])
    images = torch.randn(2, 3, 32, 32)
    assert torch.equal(model(images)[0], model(images)[0])


def test_layer_id():
    model = _vit(depth=2)
    assert model.num_layers == 4
    assert model.layer_id('cls_token') == model.layer_id('patch_embed.proj.weight') == 0
    assert model.layer_id('blocks.0.attn.qkv.weight') == 1
    assert model.layer_id('blocks.1.mlp.fc2.bias') == 2
    assert model.layer_id('norm.weight') == 3


def test_works_with_cls_head_and_selfsup_predict():
    head = ClsHead(in_channels=32, num_classes=5, with_avg_pool=False)
    assert head(_vit()(torch.randn(2, 3, 32, 32))).shape == (2, 5)
    head = ClsHead(in_channels=32, num_classes=5)
    assert head(_vit(output='featmap')(torch.randn(2, 3, 32, 32))).shape == (2, 5)
    for output in ('cls', 'featmap'):
        model = BaseSelfSupervisor(dict(type='VisionTransformer', img_size=32, patch_size=4,
                                        embed_dim=32, depth=1, num_heads=2, output=output))
        results = model(torch.randn(2, 3, 32, 32), {'gt_label': torch.tensor([1, 2])},
                        mode='predict')
        assert results[0]['feature'].shape == (32,) and results[1]['gt_label'] == 2
        assert torch.allclose(results[0]['feature'].norm(), torch.tensor(1.0))


def test_sincos_values_follow_the_mae_reference_order():
    """MAE's get_2d_sincos_pos_embed: [sin(x w), cos(x w), sin(y w), cos(y w)], x = column."""
    dim, grid_h, grid_w = 8, 2, 3
    freqs = [1 / 10000 ** (k / 2) for k in range(2)]
    expect = []
    for y in range(grid_h):
        for x in range(grid_w):
            expect.append([math.sin(x * f) for f in freqs] + [math.cos(x * f) for f in freqs]
                          + [math.sin(y * f) for f in freqs] + [math.cos(y * f) for f in freqs])
    assert torch.allclose(sincos_pos_embed(grid_h, grid_w, dim), torch.tensor(expect), atol=1e-6)


def _timm_vit_state(dim=32, depth=2, grid=8, patch=4, pooled=True):
    """A state dict with timm's / MAE's names and shapes, written out by hand."""
    shapes = {'cls_token': (1, 1, dim), 'pos_embed': (1, 1 + grid * grid, dim),
              'patch_embed.proj.weight': (dim, 3, patch, patch), 'patch_embed.proj.bias': (dim,)}
    for i in range(depth):
        for name, shape in (('norm1.weight', (dim,)), ('norm1.bias', (dim,)),
                            ('attn.qkv.weight', (3 * dim, dim)), ('attn.qkv.bias', (3 * dim,)),
                            ('attn.proj.weight', (dim, dim)), ('attn.proj.bias', (dim,)),
                            ('norm2.weight', (dim,)), ('norm2.bias', (dim,)),
                            ('mlp.fc1.weight', (4 * dim, dim)), ('mlp.fc1.bias', (4 * dim,)),
                            ('mlp.fc2.weight', (dim, 4 * dim)), ('mlp.fc2.bias', (dim,))):
            shapes[f'blocks.{i}.{name}'] = shape
    norm = 'fc_norm' if pooled else 'norm'
    shapes.update({f'{norm}.weight': (dim,), f'{norm}.bias': (dim,)})
    torch.manual_seed(3)
    return {k: torch.randn(s) for k, s in shapes.items()}


@pytest.mark.parametrize('output,pooled', [('avg', True), ('cls', False)])
def test_timm_and_mae_finetuned_names_load_strictly(output, pooled):
    state = _timm_vit_state(pooled=pooled)
    model = _vit(output=output)
    report = load_weights(model, {'model': state}, source='timm.pth', strict=True)
    assert report.complete and report.match_fraction == 1.0
    for key, value in state.items():
        assert torch.equal(model.state_dict()[key], value), key
    if pooled:  # the pooled feature goes through fc_norm
        images = torch.randn(2, 3, 32, 32)
        tokens = model._with_cls(model.embed(images)[0])
        for block in model.blocks:
            tokens = block(tokens)
        expect = F.layer_norm(tokens[:, 1:].mean(1), (32,), state['fc_norm.weight'],
                              state['fc_norm.bias'], eps=1e-6)
        assert torch.allclose(model(images)[0], expect, atol=1e-5)


def test_pos_embed_of_another_grid_is_interpolated_at_load():
    state = _timm_vit_state(grid=14)  # e.g. a 224 px checkpoint (14 x 14 patches) ...
    model = _vit(img_size=96, output='avg')  # ... loaded at 384 px (24 x 24)
    load_weights(model, state, source='224.pth', strict=True)
    old = state['pos_embed']
    grid = old[:, 1:].reshape(1, 14, 14, 32).permute(0, 3, 1, 2)
    expect = F.interpolate(grid, size=(24, 24), mode='bicubic', align_corners=False)
    assert model.pos_embed.shape == (1, 1 + 24 * 24, 32)
    assert torch.equal(model.pos_embed[:, :1], old[:, :1])  # the class token is kept
    assert torch.allclose(model.pos_embed[0, 1:], expect[0].flatten(1).t(), atol=1e-6)
