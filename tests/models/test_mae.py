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
