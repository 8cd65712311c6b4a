"""MAE: patchify, the masked pixel loss (hand-checked), the decoder, and a training step."""
import pytest
import torch

from easycv_like.models.losses import mae_loss, patchify
from easycv_like.models.necks import MAEDecoder
from easycv_like.registry import MODELS

VIT = dict(type='VisionTransformer', img_size=16, patch_size=4, embed_dim=32, depth=2,
           num_heads=2, pos_embed='sincos')


def _mae(**kwargs):
    neck = dict(type='MAEDecoder', in_channels=32, img_size=16, patch_size=4, embed_dim=16,
                depth=1, num_heads=2)
    return MODELS.build(dict(type='MAE', backbone=VIT, neck=neck, **kwargs))


def test_patchify_order():
    images = torch.arange(2 * 4 * 4, dtype=torch.float32).view(1, 2, 4, 4)  # 2 channels
    patches = patchify(images, 2)
    assert patches.shape == (1, 4, 8)
    # patch 1 = rows 0-1, columns 2-3; pixels row-major, channels last
    assert patches[0, 1].tolist() == [2, 18, 3, 19, 6, 22, 7, 23]


def test_mae_loss_only_counts_masked_patches_by_hand():
    target = torch.tensor([[[1.0, 3.0], [0.0, 0.0], [2.0, 2.0]]])  # N=1, L=3, P=2
    pred = torch.tensor([[[1.0, 1.0], [5.0, 5.0], [2.0, 4.0]]])
    mask = torch.tensor([[1.0, 0.0, 1.0]])
    # raw: patch 0 error (0 + 4) / 2 = 2, patch 2 error (0 + 4) / 2 = 2 -> mean 2; patch 1 ignored
    assert mae_loss(pred, target, mask, norm_pix=False).item() == pytest.approx(2.0)
    # normalised: patch 0 -> (1-2, 3-2)/sqrt(2 + eps) = (-0.7071, 0.7071); patch 2 -> (0, 0)
    t0 = torch.tensor([-1.0, 1.0]) / (2.0 + 1e-6) ** 0.5
    expected = ((torch.tensor([1.0, 1.0]) - t0).pow(2).mean()
                + torch.tensor([2.0, 4.0]).pow(2).mean()) / 2
    assert mae_loss(pred, target, mask).item() == pytest.approx(expected.item(), rel=1e-5)
    changed = pred.clone()
    changed[0, 1] = 100.0  # a visible patch: no effect
    assert mae_loss(changed, target, mask).item() == pytest.approx(expected.item(), rel=1e-5)


def test_decoder_restores_order_and_predicts_every_patch():
    decoder = MAEDecoder(in_channels=8, img_size=8, patch_size=4, embed_dim=8, depth=1,
                         num_heads=2)
    tokens = torch.randn(2, 1 + 1, 8)
    ids_restore = torch.tensor([[0, 1, 2, 3], [3, 2, 1, 0]])
    assert decoder(tokens, ids_restore).shape == (2, 4, 4 * 4 * 3)
    with pytest.raises(ValueError, match='4 patches'):
        decoder(torch.randn(1, 2, 8), torch.arange(9).view(1, 9))


def test_training_step_loss_and_gradients():
    torch.manual_seed(0)
    model = _mae().train()
    batch = {'inputs': [torch.randint(0, 256, (2, 3, 16, 16), dtype=torch.uint8)],
             'data_samples': {'gt_label': torch.tensor([-1, -1])}}
    data = model.data_preprocessor(batch, training=True)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss'} and torch.isfinite(losses['loss']) and losses['loss'] > 0
    losses['loss'].backward()
    no_grad = {n for n, p in model.named_parameters() if p.grad is None}
    assert no_grad == {'backbone.pos_embed'}  # fixed sin-cos embedding
    assert model.neck.mask_token.grad.abs().sum() > 0


def test_predict_and_tensor_use_the_whole_image():
    model = _mae().eval()
    images = torch.randn(3, 3, 16, 16)
    feats = model(images, mode='tensor')
    assert feats[0].shape == (3, 32)
    results = model(images, mode='predict')
    assert len(results) == 3 and results[0]['feature'].shape == (32,)


def test_rejects_bad_mask_ratio():
    with pytest.raises(ValueError, match='mask_ratio'):
        _mae(mask_ratio=1.0)


def test_decoder_position_embedding_uses_the_reference_order():
    """Token (row 1, column 2) of a 4x4 grid: [sin(2w), cos(2w), sin(1w), cos(1w)] (MAE order),
    behind a zero row for the class token."""
    from easycv_like.models.necks.mae_decoder import MAEDecoder
    decoder = MAEDecoder(in_channels=8, img_size=16, patch_size=4, embed_dim=8, depth=1,
                         num_heads=2)
    freqs = torch.tensor([1.0, 0.01])  # 1 / 10000 ** (k / 2)
    expect = torch.cat([(2 * freqs).sin(), (2 * freqs).cos(), freqs.sin(), freqs.cos()])
    assert torch.allclose(decoder.pos_embed[0, 1 + 1 * 4 + 2], expect, atol=1e-6)
    assert torch.equal(decoder.pos_embed[0, 0], torch.zeros(8))


def _reference_sincos(dim, grid):
    """MAE's get_2d_sincos_pos_embed (with the class token's zero row), written with numpy."""
    import numpy as np

    def one_d(d, pos):
        omega = 1.0 / 10000 ** (np.arange(d // 2, dtype=np.float64) / (d / 2.0))
        out = np.einsum('m,d->md', pos.reshape(-1), omega)
        return np.concatenate([np.sin(out), np.cos(out)], axis=1)

    coords = np.stack(np.meshgrid(np.arange(grid, dtype=np.float64),
                                  np.arange(grid, dtype=np.float64)), axis=0)
    emb = np.concatenate([one_d(dim // 2, coords[0]), one_d(dim // 2, coords[1])], axis=1)
    return torch.tensor(np.concatenate([np.zeros((1, dim)), emb]), dtype=torch.float32)[None]


def _official_names(state):
    """Our MAE state renamed to the reference code's names, as its checkpoints hold them."""
    out = {}
    for key, value in state.items():
        if key.startswith('backbone.'):
            out[key[len('backbone.'):]] = value
        elif key == 'neck.mask_token':
            out['mask_token'] = value
        else:
            out['decoder_' + key[len('neck.'):]] = value
    out['decoder_pos_embed'] = _reference_sincos(16, 4)
    return out


def test_official_mae_checkpoint_continues_with_the_same_decoder():
    from easycv_like.utils.weight_loading import WeightLoadError, load_weights
    torch.manual_seed(0)
    source = _mae()
    official = _official_names(source.state_dict())
    assert torch.allclose(official['pos_embed'], _reference_sincos(32, 4), atol=1e-6)
    torch.manual_seed(1)
    target = _mae()
    load_weights(target, {'model': official}, source='mae_pretrain.pth', strict=True)
    images = torch.randn(2, 3, 16, 16)
    noise = torch.rand(2, 16)
    with torch.no_grad():
        outs = [m.neck(*m.backbone.forward_masked(images, 0.75, noise)[::2])
                for m in (source, target)]
    assert torch.equal(outs[0], outs[1])
    official['decoder_pos_embed'] = official['decoder_pos_embed'][:, :, [*range(8, 16),
                                                                         *range(8)]]
    with pytest.raises(WeightLoadError, match='decoder_pos_embed'):  # the transposed order
        load_weights(_mae(), official, source='old.pth')
