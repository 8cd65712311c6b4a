"""A ConfigError raised while building names the dotted config path of the part it came from."""
import copy
import os.path as osp

import pytest
from mmengine.config import Config

from easycv_like import config_path
from easycv_like.engine.build_runner import _custom_hooks
from easycv_like.errors import ConfigError
from easycv_like.registry import MODELS, Registry

from .conftest import REPO

YOLOX_R50 = osp.join(REPO, 'configs', 'detection', 'yolox', 'yolox_r50_8xb8_300e_coco.py')


def _message(cfg) -> str:
    with pytest.raises(ConfigError) as err:
        with config_path.entry('model', cfg):
            MODELS.build(cfg)
    return str(err.value)


def test_a_detection_backbone_value_names_model_backbone():
    cfg = Config.fromfile(YOLOX_R50)
    cfg.model.backbone.depth = 51
    assert _message(cfg.model) == ('model.backbone: ResNet.depth must be one of '
                                   '[18, 34, 50, 101, 152], got 51.')


def test_a_classification_head_value_is_named_once():
    cfg = dict(type='Classification', backbone=dict(type='ResNet', depth=18),
               head=dict(type='ClsHead', in_channels=512, num_classes=0))
    assert _message(cfg) == 'model.head: ClsHead.num_classes must be >= 1, got 0.'


def test_a_build_outside_an_entry_names_the_path_inside_what_was_built():
    with pytest.raises(ConfigError, match=r'^backbone: ResNet.depth'):
        MODELS.build(dict(type='Classification', backbone=dict(type='ResNet', depth=51),
                          head=dict(type='ClsHead', in_channels=512, num_classes=2)))


def test_a_hook_in_custom_hooks_names_its_index():
    cfg = Config(dict(custom_hooks=[dict(type='ModeSwitchHook', num_last_epochs=1),
                                    dict(type='ModeSwitchHook', num_last_epochs=-1)],
                      eval_config=dict(initial=False), eval_pipelines=[]))
    with pytest.raises(ConfigError) as err:
        _custom_hooks(cfg)
    assert str(err.value) == ('custom_hooks[1]: ModeSwitchHook.num_last_epochs must be an int >= '
                              '0, got -1.')


TOY = Registry('toy')


@TOY.register_module()
class Leaf:
    def __init__(self, size: int) -> None:
        if size < 1:
            raise ConfigError(f'Leaf.size must be >= 1, got {size}.')


@TOY.register_module()
class Pair:
    """Builds ``first`` as given and ``second`` from a deep copy, changed or not."""

    def __init__(self, first: dict, second: dict, change: bool = False) -> None:
        TOY.build(first)
        TOY.build(dict(copy.deepcopy(second), **({'size': 0} if change else {})))


def _toy_message(**cfg) -> str:
    with pytest.raises(ConfigError) as err:
        with config_path.entry('model', dict(cfg, type='Pair')):
            TOY.build(dict(cfg, type='Pair'))
    return str(err.value)


def test_a_copied_config_is_found_when_it_is_the_only_equal_one():
    assert _toy_message(first=dict(type='Leaf', size=1), second=dict(type='Leaf', size=-1)) == \
        'model.second: Leaf.size must be >= 1, got -1.'


def test_a_changed_copy_names_the_chain_of_types_not_a_guess():
    cfg = dict(type='Pair', first=dict(type='Leaf', size=1), second=dict(type='Leaf', size=1),
               change=True)
    with pytest.raises(ConfigError) as err:
        with config_path.entry('model', cfg):
            TOY.build(cfg)
    assert str(err.value) == 'model (Pair) > ? (Leaf): Leaf.size must be >= 1, got 0.'


def test_the_frames_are_closed_after_an_error():
    test_a_classification_head_value_is_named_once()
    assert config_path._frames == []
