"""A config read from a checkpoint builds only registered classes and imports nothing."""
import sys

import pytest

from easycv_like.registry import MODELS, TRANSFORMS
from easycv_like.utils.safe_build import (UntrustedConfigError, build_from_stored_config,
                                          check_registered_types, import_stored_custom_imports,
                                          registered_names)

R18 = dict(type='ResNet', depth=18, stem='small')


def test_registered_names_cover_ours_and_mmengine():
    names = registered_names()
    assert {'ResNet', 'Classification', 'ClsHead'} <= names['easycv_like']
    assert {'Pretrained', 'Kaiming'} <= names['mmengine']  # weight initialisers


@pytest.mark.parametrize('type_name', ['ResNet', 'easycv_like.ResNet'])
def test_registered_types_build(type_name):
    model = build_from_stored_config(MODELS, dict(R18, type=type_name), 'model', 'c.pth')
    assert type(model).__name__ == 'ResNet'
    transform = build_from_stored_config(TRANSFORMS, dict(type='PackInputs'), 'pipeline', 'c.pth')
    assert type(transform).__name__ == 'PackInputs'


def test_nested_init_cfg_of_mmengine_is_accepted():
    check_registered_types(dict(R18, init_cfg=[dict(type='Kaiming', layer='Conv2d'),
                                               dict(type='mmengine.Constant', val=1)]),
                           'model', 'c.pth')


def test_dotted_import_path_is_refused_before_it_runs(tmp_path):
    marker = tmp_path / 'pwned'
    cfg = dict(type='Classification', backbone=dict(type='builtins.open', file=str(marker),
                                                    mode='w'))
    with pytest.raises(UntrustedConfigError,
                       match=r"'builtins.open' at model.backbone.type in the config stored in "
                             r"c.pth"):
        build_from_stored_config(MODELS, cfg, 'model', 'c.pth')
    assert not marker.exists()


@pytest.mark.parametrize('cfg, where', [
    (dict(type='os.system', command='true'), 'model.type'),
    (dict(R18, init_cfg=[dict(type='Kaiming'), dict(type='subprocess.run')]),
     r'model.init_cfg\[1\].type'),
    (dict(R18, type='easycv_like.models.backbones.ResNet'), 'model.type'),
    (dict(R18, type='mmengine.model.BaseModel'), 'model.type'),
    (dict(R18, type='antigravity'), 'model.type'),  # a plain module name is no class either
    (dict(R18, type=['ResNet']), 'model.type'),
])
def test_unregistered_types_are_refused(cfg, where):
    with pytest.raises(UntrustedConfigError, match=f'at {where} '):
        check_registered_types(cfg, 'model', 'c.pth')


def test_error_names_closest_registered_names():
    with pytest.raises(UntrustedConfigError, match="did you mean 'ResNet'"):
        check_registered_types(dict(R18, type='ResNett'), 'model', 'c.pth')


def test_unknown_scope_is_refused():
    with pytest.raises(UntrustedConfigError, match=r"model._scope_='os'"):
        check_registered_types(dict(R18, _scope_='os'), 'model', 'c.pth')
    check_registered_types(dict(R18, _scope_='easycv_like'), 'model', 'c.pth')


@pytest.fixture
def marker_module(tmp_path, monkeypatch):
    """An importable module whose import creates ``tmp_path/imported``."""
    name = 'sec_marker_module'
    (tmp_path / f'{name}.py').write_text(
        f"open({str(tmp_path / 'imported')!r}, 'w').close()\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name, tmp_path / 'imported'
    sys.modules.pop(name, None)


def test_stored_custom_imports_are_refused_unless_trusted(marker_module):
    name, marker = marker_module
    cfg = dict(custom_imports=dict(imports=[name]))
    with pytest.raises(UntrustedConfigError, match=f"c.pth asks to import \\['{name}'\\]"):
        import_stored_custom_imports(cfg, 'c.pth')
    assert not marker.exists()
    import_stored_custom_imports(cfg, 'c.pth', trust=True)
    assert marker.exists() and name in sys.modules


def test_already_imported_modules_are_accepted(marker_module):
    name, marker = marker_module
    __import__(name)
    marker.unlink()
    import_stored_custom_imports(dict(custom_imports=dict(imports=name)), 'c.pth')
    import_stored_custom_imports(dict(custom_imports=dict(imports=['os.path'])), 'c.pth')
    assert not marker.exists()


def test_non_string_imports_are_refused():
    with pytest.raises(UntrustedConfigError, match='non-module names'):
        import_stored_custom_imports(dict(custom_imports=dict(imports=[3])), 'c.pth')
