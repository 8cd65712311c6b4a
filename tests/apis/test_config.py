"""Config files: _base_ inheritance (cycles, missing bases), _delete_, --cfg-options."""
import os.path as osp
import sys

import pytest

from easycv_like import train
from easycv_like.apis.config import cfg_options_dict, load_config
from easycv_like.apis.train import cli_args
from easycv_like.apis.train_cli import parse_args
from easycv_like.engine.config_schema import ConfigError, validate_config

from ..conftest import REPO


def test_base_inheritance_delete_and_cfg_options(tmp_path):
    (tmp_path / 'base.py').write_text(
        "optimizer = dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4)\n"
        "model = dict(type='Classification', head=dict(num_classes=1000, in_channels=512))\n"
        "total_epochs = 100\n")
    (tmp_path / 'leaf.py').write_text(
        "_base_ = './base.py'\n"
        "optimizer = dict(_delete_=True, type='AdamW', lr=1e-3)\n"
        "model = dict(head=dict(num_classes=10))\n")
    cfg = load_config(str(tmp_path / 'leaf.py'),
                      {'total_epochs': 5, 'model.head.in_channels': 2048})
    assert cfg.optimizer == dict(type='AdamW', lr=1e-3)  # momentum etc. deleted
    assert cfg.model.head == dict(num_classes=10, in_channels=2048)  # merged, then overridden
    assert cfg.model.type == 'Classification'
    assert cfg.total_epochs == 5


def _write(folder, name: str, text: str) -> str:
    (folder / name).write_text(text)
    return str(folder / name)


def test_base_cycle_names_the_files_in_order(tmp_path):
    a = _write(tmp_path, 'a.py', "_base_ = ['./b.py']\ntotal_epochs = 1\n")
    _write(tmp_path, 'b.py', "_base_ = './c.py'\n")
    _write(tmp_path, 'c.py', "_base_ = './a.py'\n")
    with pytest.raises(ConfigError) as err:
        load_config(a)
    text = str(err.value)
    assert f"{tmp_path / 'a.py'} -> {tmp_path / 'b.py'} -> {tmp_path / 'c.py'} -> " \
           f"{tmp_path / 'a.py'}" in text and '_base_ cycle' in text


def test_self_inheriting_config_is_a_cycle(tmp_path):
    path = _write(tmp_path, 'self.py', "_base_ = 'self.py'\n")
    with pytest.raises(ConfigError, match='_base_ cycle'):
        load_config(path)


def test_missing_base_names_the_file_that_asked_for_it(tmp_path):
    (tmp_path / 'sub').mkdir()
    _write(tmp_path, 'top.py', "_base_ = ['./sub/mid.py']\n")
    _write(tmp_path / 'sub', 'mid.py', "_base_ = '../nowhere/base.py'\n")
    with pytest.raises(FileNotFoundError) as err:
        load_config(str(tmp_path / 'top.py'))
    assert str(err.value) == (f"{tmp_path / 'sub' / 'mid.py'} names _base_ file "
                              f"{tmp_path / 'nowhere' / 'base.py'}, which does not exist.")


def test_shared_bases_are_not_cycles(tmp_path):
    _write(tmp_path, 'common.py', 'seed = 0\n')
    _write(tmp_path, 'x.py', "_base_ = './common.py'\nx_only = 1\n")
    _write(tmp_path, 'y.py', "_base_ = './common.py'\ny_only = 2\n")
    leaf = _write(tmp_path, 'leaf.py', "_base_ = ['./x.py', './y.py']\n")
    with pytest.raises(ConfigError) as err:  # mmengine refuses the duplicate key, not a cycle
        load_config(leaf)
    assert 'cycle' not in str(err.value)
    # mmengine's bare KeyError listed every key of common.py; the error names the three files
    assert str(err.value).startswith(f"{leaf}: its _base_ files {tmp_path / 'x.py'} and "
                                     f"{tmp_path / 'y.py'} both inherit {tmp_path / 'common.py'}")
    _write(tmp_path, 'y.py', "y_only = 2\n")
    assert load_config(leaf).seed == 0


def test_two_bases_setting_one_key_is_a_config_error(tmp_path):
    _write(tmp_path, 'a.py', 'seed = 1\n')
    _write(tmp_path, 'b.py', 'seed = 2\nx = 1\n')
    leaf = _write(tmp_path, 'leaf.py', "_base_ = ['./a.py', './b.py']\n")
    with pytest.raises(ConfigError, match=r"leaf.py: Duplicate key .*\{'seed'\}.* set it in one"):
        load_config(leaf)


DIGITS = osp.join(REPO, 'configs/classification/digits/resnet18_digits.py')


@pytest.mark.parametrize('key,hint', [
    ('data.imgs_per_gpus', 'imgs_per_gpu'), ('lr_config.warmup_iter', 'warmup_iters'),
    ('optimizer_config.update_intervall', 'update_interval'),
    ('optimizer_config.grad_clipp', 'grad_clip'), ('checkpoint_config.intervall', 'interval'),
    ('checkpoint_config.max_keep_ckpt', 'max_keep_ckpts'), ('eval_config.intervall', 'interval'),
    ('model.backbone.dept', 'depth'), ('total_epoch', 'total_epochs')])
def test_cfg_options_typos_are_errors_with_close_names(key, hint):
    with pytest.raises(ConfigError) as err:
        load_config(DIGITS, {key: 8})
    text = str(err.value)
    assert text.startswith(f'--cfg-options {key}: ') and f"did you mean '{hint}'" in text
    assert f'write +{key}=...' in text


def test_cfg_options_accept_existing_schema_and_plus_prefixed_keys():
    cfg = load_config(DIGITS, {'data.imgs_per_gpu': 8, 'checkpoint_config.by_epoch': False,
                               'eval_pipelines.0.imgs_per_gpu': 4,
                               '+model.backbone.zero_init_residual': True})
    assert cfg.data.imgs_per_gpu == 8 and cfg.checkpoint_config.by_epoch is False
    assert cfg.eval_pipelines[0].imgs_per_gpu == 4
    assert cfg.model.backbone.zero_init_residual is True
    with pytest.raises(ConfigError, match="eval_pipelines is a list of 1; '5' is not an index"):
        load_config(DIGITS, {'eval_pipelines.5.name': 'x'})


def test_plus_prefixed_typo_still_fails_the_schema_check():
    cfg = load_config(DIGITS, {'+data.imgs_per_gpus': 8})
    with pytest.raises(ConfigError, match="data.imgs_per_gpus .did you mean 'imgs_per_gpu'"):
        validate_config(cfg)


def test_train_command_line_cfg_options_are_checked():
    args = parse_args([DIGITS, '--cfg-options', 'data.imgs_per_gpus=8'])
    with pytest.raises(ConfigError, match='data.imgs_per_gpus'):
        load_config(args.config, args.cfg_options)
    args = parse_args([DIGITS, '--cfg-options', '+model.backbone.zero_init_residual=False',
                       'data.imgs_per_gpu=4'])
    cfg = load_config(args.config, args.cfg_options)
    assert cfg.model.backbone.zero_init_residual is False and cfg.data.imgs_per_gpu == 4


@pytest.mark.parametrize('text,value', [
    ('/my data/train.txt', '/my data/train.txt'),  # mmengine's DictAction: '/mydata/train.txt'
    ("'x y'", 'x y'), ('"1"', '1'), ('1', 1), ('1e-3', 0.001), ('None', None), ('true', True),
    ('(1, 2)', (1, 2)), ('[1, (2, 3)]', [1, (2, 3)]), ("['a b', 2]", ['a b', 2]),
    ('[a, b]', ['a', 'b']), ('a,b', ['a', 'b']), ("{'depth': 34}", {'depth': 34}), ('', ''),
    ('x=y', 'x=y')])
def test_cfg_options_values(text, value):
    parsed = cfg_options_dict([f'a.b={text}'])['a.b']
    assert parsed == value and type(parsed) is type(value)


def test_nested_dict_options_are_checked_key_by_key():
    cfg = load_config(DIGITS, {'model': {'backbone': {'depth': 34}}})
    assert cfg.model.backbone.depth == 34 and cfg.model.backbone.stem == 'small'
    with pytest.raises(ConfigError, match="model.backbone.deptth: 'deptth' is not a key"):
        load_config(DIGITS, {'model': {'backbone': {'deptth': 34}}})  # was merged unchecked
    with pytest.raises(ConfigError, match="model.backbone.deptth: 'deptth'"):
        load_config(DIGITS, ["model.backbone={'deptth': 34}"])
    cfg = load_config(DIGITS, {'optimizer': dict(_delete_=True, type='Adam', lr=0.1)})
    assert cfg.optimizer == dict(type='Adam', lr=0.1)
    cfg = load_config(DIGITS, {'compile': {'mode': 'reduce-overhead'}})  # replaces False
    assert cfg.compile == {'mode': 'reduce-overhead'}


def test_train_api_arguments_of_the_wrong_type():
    with pytest.raises(TypeError, match=r"train\(gpus=...\) takes an int .*, got '2'"):
        train(DIGITS, gpus='2')
    with pytest.raises(ValueError, match='at least 1, got 0'):
        train(DIGITS, gpus=0)
    with pytest.raises(ConfigError, match='a dict or a list of KEY=VALUE strings'):
        train(DIGITS, cfg_options='total_epochs=1')
    with pytest.raises(ConfigError, match='--work_dir is an empty string'):
        train(DIGITS, work_dir='')


def test_torchrun_arguments_give_back_the_same_options():
    options = {'a': 'x y', 'b': "it's", 'c': (1, 2), 'd': None, 'e': {'f': [1, 'g h']},
               'h': '1', 'i': 1e-5, 'j': True}
    args = cli_args(DIGITS, cfg_options=options)
    assert cfg_options_dict(args[args.index('--cfg-options') + 1:]) == options


def test_custom_import_that_does_not_exist_is_a_config_error(tmp_path, monkeypatch):
    path = _write(tmp_path, 'cfg.py', "custom_imports = dict(imports=['no_such_module_xyz'])\n")
    with pytest.raises(ConfigError, match=r"custom_imports names module 'no_such_module_xyz', "
                                          'which is not on sys.path. Put the folder'):
        load_config(path)
    # a module that exists but fails inside keeps mmengine's error (and its traceback)
    _write(tmp_path, 'broken_user_mod.py', 'import no_such_dependency_xyz\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    broken = _write(tmp_path, 'cfg2.py', "custom_imports = dict(imports=['broken_user_mod'])\n")
    with pytest.raises(ImportError) as err:
        load_config(broken)
    assert not isinstance(err.value, ConfigError)
    assert err.value.__cause__.__context__.name == 'no_such_dependency_xyz'


def test_custom_imports_given_as_an_override_are_imported(tmp_path, monkeypatch):
    """Only mmengine's fromfile imported custom_imports: an override was silently ignored."""
    _write(tmp_path, 'override_user_mod.py', 'IMPORTED = True\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, 'override_user_mod', raising=False)
    path = _write(tmp_path, 'cfg.py', 'seed = 0\n')
    cfg = load_config(path, ["+custom_imports={'imports': ['override_user_mod']}"])
    assert cfg.custom_imports.imports == ['override_user_mod']
    assert sys.modules['override_user_mod'].IMPORTED is True
    with pytest.raises(ConfigError, match="custom_imports names module 'no_such_module_xyz'"):
        load_config(path, {'+custom_imports.imports': ['no_such_module_xyz']})
