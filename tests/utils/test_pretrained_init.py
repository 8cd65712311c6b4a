"""mmengine's ``init_cfg=dict(type='Pretrained', ...)`` loads through our weights-only loader;
a file that lacks some of the backbone's weights is an error unless ``exclude`` / ``min_match``
say otherwise."""
import logging
import re

import pytest
import torch
from mmengine.logging import MMLogger

from easycv_like.apis.config import load_config
from easycv_like.registry import MODELS
from easycv_like.utils.checkpoint import UnsafeCheckpointError, set_trust_checkpoints
from easycv_like.utils.weight_loading import WeightLoadError

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


def _without_layer4(tmp_path):
    """An SSL file whose backbone lacks layer4: 75 of the 100 weights of a ResNet-18."""
    state = {k: v for k, v in _ssl_state().items() if not k.startswith('backbone.layer4.')}
    torch.save({'state_dict': state}, tmp_path / 'no_layer4.pth')
    return state


def _built(path, **options):
    torch.manual_seed(7)
    return MODELS.build(dict(R18, init_cfg=dict(type='Pretrained', checkpoint=str(path),
                                                prefix='backbone.', **options)))


def test_a_file_without_layer4_is_an_error_naming_its_keys(tmp_path):
    _without_layer4(tmp_path)
    with pytest.raises(WeightLoadError, match=r"(?s)25 of the 100 weights of ResNet are not in "
                                              r".*no_layer4\.pth \(under prefix 'backbone\.'\): "
                                              r"layer4\.0\.conv1\.weight.*\(\+20\)\. 75\.0% were "
                                              r"found.*exclude=\['layer4\.'\].*min_match=0\.75"):
        _built(tmp_path / 'no_layer4.pth').init_weights()


def test_exclude_layer4_loads_the_rest_and_leaves_layer4_at_its_init(tmp_path):
    state = _without_layer4(tmp_path)
    initial = _built(tmp_path / 'no_layer4.pth').state_dict()
    backbone = _built(tmp_path / 'no_layer4.pth', exclude=['layer4'])
    backbone.init_weights()
    for key, value in backbone.state_dict().items():
        if key.startswith('layer4.'):
            assert torch.equal(value, initial[key]), key
        else:
            assert torch.equal(value, state[f'backbone.{key}']), key


def test_min_match_accepts_the_partial_load_knowingly(tmp_path):
    state = _without_layer4(tmp_path)
    backbone = _built(tmp_path / 'no_layer4.pth', min_match=0.7)
    logger, records = MMLogger.get_current_instance(), []
    handler = logging.Handler()
    handler.emit = records.append
    logger.addHandler(handler)
    try:
        backbone.init_weights()
    finally:
        logger.removeHandler(handler)
    assert torch.equal(backbone.layer3[1].bn2.running_var,
                       state['backbone.layer3.1.bn2.running_var'])
    warnings = [r.getMessage() for r in records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and re.search(
        r'missing \(kept their initial values\): 25: layer4\.0\.conv1\.weight', warnings[0])
    with pytest.raises(WeightLoadError, match=r'75\.0% were found \(min_match=0\.8\)'):
        _built(tmp_path / 'no_layer4.pth', min_match=0.8).init_weights()
