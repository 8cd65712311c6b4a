"""Self-supervised releases of other projects, in the layouts they publish, through our configs:
MoCo v2's ``module.encoder_q.*`` file (linear probe, feature extraction), DINO's bare ViT file and
MAE's ``{'model': ...}`` file (ViT classifiers), compared with a plain-torch ViT forward."""
import os.path as osp

import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config

from easycv_like.apis.extract_features import extract_features
from easycv_like.registry import MODELS
from easycv_like.utils.weight_loading import WeightLoadError, load_weights

from ..conftest import REPO

BENCHMARKS = osp.join(REPO, 'configs', 'benchmarks')
TINY_VIT = dict(img_size=32, patch_size=8, embed_dim=32, depth=2, num_heads=2)


def _moco_release(path, backbone_state):
    """MoCo v2's published layout: DDP names, query and key encoders with their MLP, the queue,
    the optimizer state and the epoch."""
    state = {}
    for encoder in ('encoder_q', 'encoder_k'):
        state.update({f'module.{encoder}.{k}': v for k, v in backbone_state.items()})
        state.update({f'module.{encoder}.fc.0.weight': torch.randn(8, 8),
                      f'module.{encoder}.fc.0.bias': torch.zeros(8),
                      f'module.{encoder}.fc.2.weight': torch.randn(4, 8),
                      f'module.{encoder}.fc.2.bias': torch.zeros(4)})
    state.update({'module.queue': torch.randn(4, 16), 'module.queue_ptr': torch.zeros(1).long()})
    torch.save({'epoch': 200, 'arch': 'resnet50', 'state_dict': state,
                'optimizer': {'state': {}, 'param_groups': [{'lr': 0.0, 'params': [0]}]}}, path)


def _random_state(module, seed):
    torch.manual_seed(seed)
    return {k: v + 0.1 * torch.randn_like(v) if v.is_floating_point() else v
            for k, v in module.state_dict().items()}


def test_moco_release_feeds_the_linear_probe_config(tmp_path):
    cfg = Config.fromfile(osp.join(BENCHMARKS, 'linear_mocov2_r50_in1k.py'))
    source = _random_state(MODELS.build(cfg.model).backbone, seed=1)
    _moco_release(tmp_path / 'moco_v2_800ep_pretrain.pth.tar', source)
    cfg.model.backbone.init_cfg.update(checkpoint=str(tmp_path / 'moco_v2_800ep_pretrain.pth.tar'),
                                       prefix='encoder_q.')
    model = MODELS.build(cfg.model)
    model.init_weights()  # what the Runner does before training
    for key, value in model.backbone.state_dict().items():
        assert torch.equal(value, source[key]), key


def _tiny_linear_config(folder, data_root, extra=''):
    path = osp.join(folder, f'tiny_linear{len(extra)}.py')
    with open(path, 'w') as f:
        f.write(f'''
_base_ = {osp.join(BENCHMARKS, 'linear_r18_digits.py')!r}
_pipe = [dict(type='LoadImage'), dict(type='PackInputs')]
data = dict(imgs_per_gpu=16, workers_per_gpu=0, val=dict(
    type='ClsDataset', pipeline=_pipe, data_source=dict(
        type='ImageList', list_file={data_root + '/val_small.txt'!r},
        classes={data_root + '/classes.txt'!r})))
model = dict(backbone=dict(init_cfg=None))
{extra}
''')
    return path


def test_extract_features_reads_a_backbone_only_release(tmp_path, tiny_digits):
    config = _tiny_linear_config(str(tmp_path), tiny_digits)  # its BatchNormNeck is left out
    plain = _tiny_linear_config(str(tmp_path), tiny_digits, 'model = dict(neck=None)')
    model = MODELS.build(Config.fromfile(plain).model)
    model.load_state_dict(_random_state(model, seed=2))
    torch.save({'state_dict': model.state_dict()}, tmp_path / 'ours.pth')
    _moco_release(tmp_path / 'moco.pth.tar', model.backbone.state_dict())
    with pytest.raises(WeightLoadError, match='--backbone-prefix'):
        extract_features(config, str(tmp_path / 'moco.pth.tar'), split='val', device='cpu')
    theirs = extract_features(config, str(tmp_path / 'moco.pth.tar'), split='val',
                              device='cpu', backbone_prefix='encoder_q.')
    expected = extract_features(plain, str(tmp_path / 'ours.pth'), split='val', device='cpu')
    assert theirs['features'].shape == expected['features'].shape
    assert (theirs['features'] == expected['features']).all()
    torch.save({k: v for k, v in model.backbone.state_dict().items() if k != 'conv1.weight'},
               tmp_path / 'partial.pth')
    with pytest.raises(WeightLoadError, match='min_match=1.0'):  # every backbone tensor needed
        extract_features(config, str(tmp_path / 'partial.pth'), split='val', device='cpu',
                         backbone_prefix='')


def plain_vit_tokens(state, images, num_heads):
    """A timm-named ViT state dict applied with plain torch ops: tokens N x (1 + L) x D after
    the last block, before any final norm."""
    proj = state['patch_embed.proj.weight']
    x = F.conv2d(images, proj, state['patch_embed.proj.bias'], stride=proj.shape[-1])
    x = x.flatten(2).transpose(1, 2)  # N x L x D
    x = torch.cat([state['cls_token'].expand(len(x), -1, -1), x], 1) + state['pos_embed']
    n, length, dim = x.shape
    depth = len({k.split('.')[1] for k in state if k.startswith('blocks.')})
    for i in range(depth):
        p = {k[len(f'blocks.{i}.'):]: v for k, v in state.items() if k.startswith(f'blocks.{i}.')}
        h = F.layer_norm(x, (dim,), p['norm1.weight'], p['norm1.bias'], eps=1e-6)
        q, k, v = (h @ p['attn.qkv.weight'].t() + p['attn.qkv.bias']).reshape(
            n, length, 3, num_heads, dim // num_heads).permute(2, 0, 3, 1, 4)
        attn = torch.softmax(q @ k.transpose(-2, -1) / (dim // num_heads) ** 0.5, -1)
        h = (attn @ v).transpose(1, 2).reshape(n, length, dim)
        x = x + h @ p['attn.proj.weight'].t() + p['attn.proj.bias']
        h = F.layer_norm(x, (dim,), p['norm2.weight'], p['norm2.bias'], eps=1e-6)
        h = F.gelu(h @ p['mlp.fc1.weight'].t() + p['mlp.fc1.bias'])
        x = x + h @ p['mlp.fc2.weight'].t() + p['mlp.fc2.bias']
    return x


def _vit_release(seed):
    """A timm-named ViT encoder (cls token, learned pos_embed, final ``norm``), as DINO's
    ``dino_deitsmall16_pretrain.pth`` and MAE's ``mae_pretrain_vit_base.pth`` hold it."""
    encoder = MODELS.build(dict(type='VisionTransformer', output='cls', **TINY_VIT))
    return _random_state(encoder, seed)


def test_dino_release_loads_into_a_vit_classifier_and_encodes_as_plain_torch(tmp_path):
    state = _vit_release(seed=3)
    torch.save(state, tmp_path / 'dino_deitsmall16_pretrain.pth')  # bare, as DINO publishes
    cfg = Config.fromfile(osp.join(REPO, 'configs/_base_/models/vit_base_p16_cls.py')).model
    cfg.backbone.update(output='cls', drop_path_rate=0.0, **TINY_VIT)
    cfg.head.update(in_channels=32, num_classes=3)
    model = MODELS.build(cfg).eval()
    with pytest.raises(WeightLoadError, match=r"head\.fc\.weight, head\.fc\.bias\..*"
                                              r"exclude=\['head\.'\]"):
        load_weights(model, tmp_path / 'dino_deitsmall16_pretrain.pth')  # no classifier in it
    report = load_weights(model, tmp_path / 'dino_deitsmall16_pretrain.pth',  # as docs/ssl.md
                          exclude=['head.fc.'])
    assert report.kept_init == ['head.fc.weight', 'head.fc.bias'] and not report.unexpected
    assert not report.missing
    images = torch.randn(2, 3, 32, 32)
    tokens = plain_vit_tokens(state, images, num_heads=2)
    expected = F.layer_norm(tokens[:, 0], (32,), state['norm.weight'], state['norm.bias'], 1e-6)
    with torch.no_grad():
        torch.testing.assert_close(model.extract_feat(images)[-1], expected, atol=1e-5,
                                   rtol=1e-4)


def test_mae_release_starts_the_finetune_config_as_mae_does(tmp_path):
    state = _vit_release(seed=4)
    torch.save({'model': state}, tmp_path / 'mae_pretrain_vit_base.pth')
    finetune = Config.fromfile(osp.join(BENCHMARKS, 'mae_vit_base_p16_finetune.py'))
    cfg = finetune.model
    cfg.backbone.update(drop_path_rate=0.0, **TINY_VIT)
    cfg.head.update(in_channels=32, num_classes=3)
    model = MODELS.build(cfg).eval()
    with pytest.raises(WeightLoadError, match=r"backbone\.fc_norm\.weight.*"
                                              r"exclude=\['backbone\.fc_norm\.', 'head\.'\]"):
        load_weights(model, tmp_path / 'mae_pretrain_vit_base.pth')
    report = load_weights(model, tmp_path / 'mae_pretrain_vit_base.pth',  # as --load_from
                          **finetune.load_cfg)  # MAE starts fc_norm (after pooling) afresh
    assert report.containers == ['model'] and not report.missing
    assert report.unexpected == ['backbone.norm.weight', 'backbone.norm.bias']
    assert report.kept_init == ['backbone.fc_norm.weight', 'backbone.fc_norm.bias',
                                'head.fc.weight', 'head.fc.bias']
    images = torch.randn(2, 3, 32, 32)
    pooled = plain_vit_tokens(state, images, num_heads=2)[:, 1:].mean(1)
    expected = F.layer_norm(pooled, (32,), eps=1e-6)  # a fresh fc_norm: weight 1, bias 0
    with torch.no_grad():
        torch.testing.assert_close(model.extract_feat(images)[-1], expected, atol=1e-5,
                                   rtol=1e-4)
