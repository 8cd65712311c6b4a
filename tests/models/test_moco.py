"""MoCo: loss and gradients, key encoder frozen except for the momentum hook, the queue."""
from types import SimpleNamespace

import pytest
import torch
import torch.nn.functional as F
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper

from easycv_like.engine.hooks import MomentumUpdateHook
from easycv_like.errors import ConfigError
from easycv_like.registry import MODELS

MOCO = dict(type='MoCo',
            backbone=dict(type='ResNet', depth=18, stem='small', out_indices=(3,)),
            neck=dict(type='MLPNeck', in_channels=512, hid_channels=32, out_channels=16,
                      with_bn=False, with_bias=True),
            head=dict(type='ContrastiveHead', temperature=0.2),
            queue_len=32, feat_dim=16, momentum=0.9)


def _moco(**kwargs):
    torch.manual_seed(0)
    return MODELS.build(dict(MOCO, **kwargs))


def _batch(n=4, size=8, seed=0):
    g = torch.Generator().manual_seed(seed)
    views = [torch.randint(0, 256, (n, 3, size, size), dtype=torch.uint8, generator=g)
             for _ in range(2)]
    return {'inputs': views, 'data_samples': {'gt_label': torch.arange(n)}}


def _state(module):
    return {k: v.clone() for k, v in module.state_dict().items()}


def test_loss_is_finite_and_only_the_query_encoder_gets_gradients():
    model = _moco()
    data = model.data_preprocessor(_batch(), True)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss'} and torch.isfinite(losses['loss'])
    assert losses['loss'].item() > 0
    losses['loss'].backward()
    assert all(p.grad is not None for p in model.backbone.parameters())
    assert all(p.grad is not None for p in model.neck.parameters())
    frozen = list(model.momentum_backbone.parameters()) + list(model.momentum_neck.parameters())
    assert all(not p.requires_grad and p.grad is None for p in frozen)


def test_queue_pointer_and_newest_keys():
    model = _moco()
    assert model.queue.features.shape == (32, 16) and int(model.queue.ptr) == 0
    assert torch.allclose(model.queue.features.norm(dim=1), torch.ones(32), atol=1e-5)
    data = model.data_preprocessor(_batch(), True)
    model(**data, mode='loss')
    assert int(model.queue.ptr) == 4
    keys = model.encode_keys(data['inputs'][1])  # train-mode BN: batch statistics, same batch
    assert torch.allclose(model.queue.features[:4], keys, atol=1e-5)
    model(**model.data_preprocessor(_batch(seed=1), True), mode='loss')
    assert int(model.queue.ptr) == 8
    assert torch.allclose(model.queue.features[:4], keys, atol=1e-5)  # older keys stay


def test_queue_and_pointer_are_checkpointed():
    model = _moco()
    model(**model.data_preprocessor(_batch(), True), mode='loss')
    other = _moco()
    other.load_state_dict(model.state_dict())
    assert int(other.queue.ptr) == 4 and torch.equal(other.queue.features, model.queue.features)
    assert any(k.startswith('momentum_backbone.') for k in model.state_dict())


def test_queue_length_must_divide_by_the_batch():
    model = _moco(queue_len=30)
    with pytest.raises(ConfigError, match='queue_len=30 is not a multiple of the global batch 4'):
        model(**model.data_preprocessor(_batch(), True), mode='loss')


def test_key_encoder_changes_only_through_the_momentum_hook():
    model = _moco()
    model.init_weights()
    assert all(torch.equal(v, model.backbone.state_dict()[k])
               for k, v in model.momentum_backbone.state_dict().items())
    key_before = _state(model.momentum_neck)
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.5))
    model.train_step(_batch(), wrapper)
    assert all(torch.equal(v, model.momentum_neck.state_dict()[k]) for k, v in key_before.items())
    online = _state(model.neck)
    assert not torch.equal(online['mlp.0.weight'], key_before['mlp.0.weight'])
    runner = SimpleNamespace(model=model, optim_wrapper=wrapper, iter=0, max_iters=10,
                             message_hub=MessageHub.get_instance('test_moco'))
    MomentumUpdateHook().after_train_iter(runner, batch_idx=0)
    for key, old in key_before.items():
        assert torch.allclose(model.momentum_neck.state_dict()[key],
                              0.9 * old + 0.1 * online[key], atol=1e-7), key
    assert runner.message_hub.get_scalar('train/momentum').current() == 0.9


def test_tensor_and_predict_modes():
    model = _moco().eval()
    data = model.data_preprocessor(_batch(n=3, size=16))
    feats = model(data['inputs'], mode='tensor')
    assert len(feats) == 1 and feats[0].shape == (3, 512, 2, 2)
    preds = model(data['inputs'][0], data['data_samples'], mode='predict')
    assert [p['gt_label'] for p in preds] == [0, 1, 2]
    assert preds[0]['feature'].shape == (512,)
    assert torch.allclose(preds[0]['feature'], F.normalize(feats[0].mean((2, 3)), dim=1)[0],
                          atol=1e-5)


def test_needs_two_views():
    model = _moco()
    with pytest.raises(ValueError, match='2 views'):
        model([torch.zeros(2, 3, 8, 8)], mode='loss')
