"""mmengine's ``init_cfg=dict(type='Pretrained', ...)`` loads through our weights-only loader."""
import pytest
import torch

from easycv_like.apis.config import load_config
from easycv_like.registry import MODELS
from easycv_like.utils.checkpoint import UnsafeCheckpointError, set_trust_checkpoints

from ..conftest import REPO

R18 = dict(type='ResNet', depth=18, stem='small')


class _Sentinel:
    """Unpickling this runs code: it creates the file at ``path``."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, 'w'))


def _ssl_state(seed=0):
    """``backbone.*`` keys of a random ResNet-18, plus keys that must not be loaded."""
    torch.manual_seed(seed)
    backbone = MODELS.build(R18)
    state = {f'backbone.{k}': v + torch.rand_like(v) if v.is_floating_point() else v
             for k, v in backbone.state_dict().items()}
    state['momentum_backbone.conv1.weight'] = torch.zeros_like(state['backbone.conv1.weight'])
    state['neck.fc.weight'] = torch.zeros(4, 4)
    return state


def _pretrained_backbone(path):
    return MODELS.build(dict(R18, init_cfg=dict(type='Pretrained', checkpoint=str(path),
                                                prefix='backbone.')))


def test_prefix_selects_the_online_backbone(tmp_path):
    state = _ssl_state()
    torch.save({'state_dict': state, 'meta': {}}, tmp_path / 'ssl.pth')
    backbone = _pretrained_backbone(tmp_path / 'ssl.pth')
    backbone.init_weights()
    for key, value in backbone.state_dict().items():
        assert torch.equal(value, state[f'backbone.{key}']), key


def test_code_carrying_checkpoint_is_refused_unless_trusted(tmp_path):
    sentinel = tmp_path / 'pwned'
    state = _ssl_state()
    torch.save({'state_dict': state, 'meta': {'x': _Sentinel(str(sentinel))}},
               tmp_path / 'evil.pth')
    with pytest.raises(UnsafeCheckpointError, match='evil.pth'):
        _pretrained_backbone(tmp_path / 'evil.pth').init_weights()
    assert not sentinel.exists()
    set_trust_checkpoints(True)
    try:
        backbone = _pretrained_backbone(tmp_path / 'evil.pth')
        backbone.init_weights()
    finally:
        set_trust_checkpoints(False)
    assert sentinel.exists()  # trusted on purpose: the file's code ran
    assert torch.equal(backbone.conv1.weight, state['backbone.conv1.weight'])


def test_moco_checkpoint_gives_its_query_encoder(tmp_path):
    cfg = load_config(f'{REPO}/configs/ssl/demo/mocov2_digits.py')
    torch.manual_seed(0)
    moco = MODELS.build(cfg.model)
    with torch.no_grad():
        for param in moco.momentum_backbone.parameters():
            param.add_(1.0)  # the key encoder differs from the query encoder
    torch.save({'state_dict': moco.state_dict(), 'meta': {}}, tmp_path / 'moco.pth')
    backbone = _pretrained_backbone(tmp_path / 'moco.pth')
    backbone.init_weights()
    for key, value in moco.backbone.state_dict().items():
        assert torch.equal(backbone.state_dict()[key], value), key
