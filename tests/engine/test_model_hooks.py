"""add_model_hooks: a model with momentum pairs gets exactly one MomentumUpdateHook; a hook a
model requires but the config forgot is an error naming it."""
import pytest
from torch import nn

from easycv_like.engine.model_hooks import add_model_hooks
from easycv_like.registry import MODELS, SCOPE

MOCO = dict(type='MoCo', backbone=dict(type='ResNet', depth=18, stem='small', out_indices=(3,)),
            neck=dict(type='MLPNeck', in_channels=512, hid_channels=8, out_channels=8),
            head=dict(type='ContrastiveHead'), queue_len=8, feat_dim=8)
SIMCLR = dict(type='SimCLR', backbone=MOCO['backbone'], neck=MOCO['neck'],
              head=dict(type='NTXentHead'))


def _types(hooks):
    return [h['type'] for h in hooks]


def test_added_for_a_model_with_momentum_pairs():
    hooks = add_model_hooks([dict(type='DINOTeacherTempHook')], MODELS.build(MOCO))
    assert _types(hooks) == ['DINOTeacherTempHook', f'{SCOPE}.MomentumUpdateHook']


@pytest.mark.parametrize('listed', ['MomentumUpdateHook', f'{SCOPE}.MomentumUpdateHook'])
def test_a_listed_hook_is_kept_and_not_doubled(listed):
    hooks = add_model_hooks([dict(type=listed, priority='LOW')], MODELS.build(MOCO))
    assert hooks == [dict(type=listed, priority='LOW')]


def test_listed_twice_is_an_error():
    twice = [dict(type='MomentumUpdateHook'), dict(type='MomentumUpdateHook')]
    with pytest.raises(ValueError, match='MomentumUpdateHook 2 times'):
        add_model_hooks(twice, MODELS.build(MOCO))


@pytest.mark.parametrize('model', [SIMCLR, None])
def test_not_added_without_momentum_pairs(model):
    model = MODELS.build(model) if model else nn.Linear(2, 2)
    assert add_model_hooks([], model) == []


YOLOX_NANO = dict(type='YOLOX',
                  backbone=dict(type='CSPDarknet', deepen_factor=0.33, widen_factor=0.0625),
                  neck=dict(type='YOLOXPAFPN', deepen_factor=0.33, widen_factor=0.0625),
                  head=dict(type='YOLOXHead', num_classes=3, widen_factor=0.0625))


def test_a_required_hook_the_config_forgot_is_named():
    model = MODELS.build(YOLOX_NANO)
    with pytest.raises(ValueError, match='YOLOX needs custom_hooks.*ModeSwitchHook.*use_l1'):
        add_model_hooks([dict(type='EMAHook')], model)
    listed = [dict(type='ModeSwitchHook', num_last_epochs=0)]
    assert add_model_hooks(listed, model) == listed


def _swav(queue_length):
    return MODELS.build(dict(
        type='SwAV', backbone=MOCO['backbone'],
        neck=dict(type='MLPNeck', in_channels=512, hid_channels=8, out_channels=8,
                  with_avg_pool=False),
        head=dict(type='SwAVHead', feat_dim=8, num_prototypes=4, num_crops=(2,),
                  queue_length=queue_length)))


def test_a_swav_queue_without_its_hook_is_named():
    """Without SwAVQueueHook the head's queue was configured but silently never used."""
    with pytest.raises(ValueError, match=r'SwAV needs custom_hooks.*SwAVQueueHook '
                       r'\(head.queue_length=16 is used only once it switches'):
        add_model_hooks([dict(type='SwAVPrototypeFreezeHook')], _swav(16))
    listed = [dict(type='SwAVQueueHook', start_epoch=1)]
    assert add_model_hooks(listed, _swav(16)) == listed
    assert add_model_hooks([], _swav(0)) == []
