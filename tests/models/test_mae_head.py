"""MAEHead: the masked pixel loss as MAE's head (MAE no longer calls the loss itself)."""
import pytest
import torch

from easycv_like.models.heads import MAEHead

from .test_mae import _mae


def test_head_is_the_masked_loss_by_hand():
    target = torch.tensor([[[1.0, 3.0], [0.0, 0.0], [2.0, 2.0]]])
    pred = torch.tensor([[[1.0, 1.0], [5.0, 5.0], [2.0, 4.0]]])
    mask = torch.tensor([[1.0, 0.0, 1.0]])
    assert MAEHead(norm_pix=False)(pred, target, mask)['loss'].item() == pytest.approx(2.0)


@pytest.mark.parametrize('norm_pix', [True, False])
def test_mae_loss_comes_from_its_head(norm_pix):
    torch.manual_seed(0)
    model = _mae(head=dict(type='MAEHead', norm_pix=norm_pix)).train()
    assert isinstance(model.head, MAEHead) and model.head.norm_pix is norm_pix
    seen = []
    model.head.register_forward_hook(lambda m, args, out: seen.append(out['loss']))
    losses = model([torch.randn(2, 3, 16, 16)], mode='loss')
    assert len(seen) == 1 and torch.equal(losses['loss'], seen[0])


def test_the_default_head_normalises_pixels():
    assert _mae().head.norm_pix is True
