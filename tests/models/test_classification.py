"""Classification: config build, the three modes, training steps through mmengine."""
import pytest
import torch
from mmengine.optim import OptimWrapper

from easycv_like.models import ClsDataPreprocessor
from easycv_like.registry import MODELS

NUM_CLASSES = 10


def _model(**kwargs):
    cfg = dict(type='Classification', backbone=dict(type='ResNet', depth=18, stem='small'),
               head=dict(type='ClsHead', in_channels=512, num_classes=NUM_CLASSES), **kwargs)
    return MODELS.build(cfg)


def _batch(n=4, size=16, seed=0):
    g = torch.Generator().manual_seed(seed)
    return {'inputs': torch.randint(0, 256, (n, 3, size, size), dtype=torch.uint8, generator=g),
            'data_samples': {'gt_label': torch.arange(n) % NUM_CLASSES,
                             'sample_idx': torch.arange(n),
                             'img_path': [f'{i}.png' for i in range(n)]}}


def test_builds_from_config_with_default_preprocessor():
    model = _model()
    assert isinstance(model.data_preprocessor, ClsDataPreprocessor)
    assert model.backbone.out_channels == [512]
    assert model.neck is None


def test_preprocessor_from_dict_and_module():
    model = _model(data_preprocessor=dict(type='ClsDataPreprocessor', channels_last=True))
    assert model.data_preprocessor.channels_last
    module = ClsDataPreprocessor(mean=(0, 0, 0), std=(1, 1, 1))
    assert _model(data_preprocessor=module).data_preprocessor is module


def test_loss_mode_is_finite_with_gradients():
    torch.manual_seed(0)
    model = _model().train()
    data = model.data_preprocessor(_batch(), training=True)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss', 'acc_top1'}
    assert losses['loss'].ndim == 0 and torch.isfinite(losses['loss'])
    losses['loss'].backward()
    grad = model.backbone.layer1[0].conv1.weight.grad
    assert grad is not None and grad.abs().sum() > 0


def test_train_step_decreases_loss():
    torch.manual_seed(0)
    model = _model().train()
    optim_wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9))
    batch = _batch(n=8, size=16)
    losses = [model.train_step(batch, optim_wrapper)['loss'].item() for _ in range(6)]
    assert all(torch.isfinite(torch.tensor(losses)))
    assert losses[-1] < losses[0]


def test_predict_mode_format():
    model = _model().eval()
    batch = _batch(n=3)
    results = model.val_step(batch)
    assert len(results) == 3
    for i, result in enumerate(results):
        assert set(result) == {'pred_score', 'pred_label', 'gt_label'}
        score = result['pred_score']
        assert score.shape == (NUM_CLASSES,) and score.device.type == 'cpu'
        assert score.sum().item() == pytest.approx(1.0, abs=1e-5)
        assert isinstance(result['pred_label'], int)
        assert result['pred_label'] == int(score.argmax())
        assert result['gt_label'] == i


def test_predict_without_labels_gives_minus_one():
    model = _model().eval()
    data = model.data_preprocessor({'inputs': _batch(n=2)['inputs']})
    results = model(**data, mode='predict')
    assert [r['gt_label'] for r in results] == [-1, -1]


def test_tensor_mode_and_extract_feat():
    model = _model().eval()
    data = model.data_preprocessor(_batch(n=2, size=32))
    with torch.no_grad():
        logits = model(data['inputs'])
        feats = model.extract_feat(data['inputs'])
    assert logits.shape == (2, NUM_CLASSES)
    assert isinstance(feats, tuple) and feats[0].shape == (2, 512, 4, 4)


def test_channels_last_inputs():
    model = _model(data_preprocessor=dict(type='ClsDataPreprocessor', channels_last=True))
    data = model.data_preprocessor(_batch())
    assert data['inputs'].is_contiguous(memory_format=torch.channels_last)
    assert model(data['inputs']).shape == (4, NUM_CLASSES)


def test_unknown_mode_raises():
    model = _model()
    with pytest.raises(ValueError, match='mode'):
        model(torch.zeros(1, 3, 8, 8), mode='bogus')
