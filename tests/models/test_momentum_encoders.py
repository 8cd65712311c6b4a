"""MomentumEncodersMixin: one naming rule, copies synced, legacy checkpoint names still load."""
import pytest
import torch

from easycv_like.registry import MODELS

VIT = dict(type='VisionTransformer', img_size=16, patch_size=8, embed_dim=16, depth=2,
           num_heads=2, drop_path_rate=0.2, output='cls')
NECK = dict(type='MLPNeck', in_channels=16, hid_channels=8, out_channels=8, with_avg_pool=False)
BYOL = dict(type='BYOL', backbone=VIT, neck=NECK,
            head=dict(type='LatentPredictHead', predictor=dict(NECK, in_channels=8)))
DINO = dict(type='DINO', backbone=VIT, head=dict(type='DINOHead', out_channels=8),
            neck=dict(type='DINONeck', in_channels=16, out_channels=8, hid_channels=8,
                      bottleneck_channels=4))


@pytest.mark.parametrize('cfg, names', [(BYOL, ['backbone', 'neck']), (DINO, ['backbone', 'neck'])])
def test_copies_are_named_momentum_and_frozen(cfg, names):
    model = MODELS.build(cfg)
    pairs = model.momentum_pairs()
    assert [(o, t) for o, t in pairs] == [(getattr(model, n), getattr(model, f'momentum_{n}'))
                                          for n in names]
    assert not any(k.startswith(('target_', 'teacher_')) for k in model.state_dict())
    assert all(not p.requires_grad for _, t in pairs for p in t.parameters())
    assert model.momentum_backbone.blocks[1].drop_path.drop_prob == 0.0  # rebuilt without it


def test_building_the_copy_does_not_advance_the_random_stream():
    torch.manual_seed(0)
    MODELS.build(BYOL)
    after_build = torch.rand(1)
    torch.manual_seed(0)
    online = MODELS.build(VIT), MODELS.build(NECK), MODELS.build(BYOL['head'])
    assert online and torch.equal(torch.rand(1), after_build)


@pytest.mark.parametrize('cfg, legacy', [(BYOL, 'target_'), (DINO, 'teacher_')])
def test_a_checkpoint_with_the_old_names_loads(cfg, legacy):
    torch.manual_seed(0)
    old = MODELS.build(cfg)
    with torch.no_grad():
        old.momentum_backbone.cls_token.add_(3.0)
    state = {(legacy + k[len('momentum_'):] if k.startswith('momentum_') else k): v
             for k, v in old.state_dict().items()}
    assert f'{legacy}backbone.cls_token' in state
    new = MODELS.build(cfg)
    result = new.load_state_dict(state, strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    assert torch.equal(new.momentum_backbone.cls_token, old.momentum_backbone.cls_token)


def test_init_weights_restarts_every_copy():
    model = MODELS.build(DINO)
    with torch.no_grad():
        model.momentum_neck.mlp[0].weight.add_(1.0)
        model.momentum_backbone.cls_token.add_(1.0)
    model.init_weights()
    assert torch.equal(model.momentum_neck.mlp[0].weight, model.neck.mlp[0].weight)
    assert torch.equal(model.momentum_backbone.cls_token, model.backbone.cls_token)


def test_a_dino_checkpoint_of_the_older_layout_loads():
    """Older DINO files: the projection under ``head.``/``teacher_head.``, a top-level centre."""
    torch.manual_seed(0)
    old = MODELS.build(DINO)
    with torch.no_grad():
        old.head.center.fill_(0.5)
        old.momentum_neck.mlp[0].weight.add_(1.0)
    renames = (('neck.', 'head.'), ('momentum_neck.', 'teacher_head.'),
               ('momentum_backbone.', 'teacher_backbone.'), ('head.center', 'center'))
    state = {}
    for key, value in old.state_dict().items():
        for new, legacy in renames:
            if key.startswith(new):
                key = legacy + key[len(new):]
                break
        state[key] = value
    assert {'center', 'head.mlp.0.weight', 'teacher_head.mlp.0.weight'} <= set(state)
    model = MODELS.build(DINO)
    result = model.load_state_dict(state, strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    assert torch.equal(model.head.center, old.head.center)
    assert torch.equal(model.momentum_neck.mlp[0].weight, old.momentum_neck.mlp[0].weight)
    assert torch.equal(model.neck.mlp[0].weight, old.neck.mlp[0].weight)
