"""Registries: unknown types name the registry and the closest names; user modules register."""
import sys

import pytest
from mmengine.config import Config

from easycv_like.registry import MODELS, TRANSFORMS


def test_unknown_type_names_registry_and_closest_matches():
    with pytest.raises(KeyError) as err:
        MODELS.build(dict(type='ResNt', depth=18))
    text = str(err.value)
    assert "'ResNt'" in text and "'model' registry" in text and "'ResNet'" in text


def test_unknown_transform_type():
    with pytest.raises(KeyError, match="'RandomResizedCrop'"):
        TRANSFORMS.build(dict(type='RandomResizeCrop', size=8))


def test_lookup_falls_back_to_mmengine():
    assert MODELS.get('BaseDataPreprocessor').__name__ == 'BaseDataPreprocessor'


def test_custom_imports_registers_a_user_module(tmp_path, monkeypatch):
    (tmp_path / 'my_heads.py').write_text(
        'import torch\n'
        'from easycv_like.models.heads import ClsHead\n'
        'from easycv_like.registry import MODELS\n\n'
        '@MODELS.register_module()\n'
        'class DoubledHead(ClsHead):\n'
        '    def forward(self, feats):\n'
        '        return 2 * super().forward(feats)\n')
    (tmp_path / 'cfg.py').write_text(
        "custom_imports = dict(imports=['my_heads'], allow_failed_imports=False)\n"
        "model = dict(type='Classification', backbone=dict(type='ResNet', depth=18, "
        "stem='small'), head=dict(type='DoubledHead', in_channels=512, num_classes=3))\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    cfg = Config.fromfile(str(tmp_path / 'cfg.py'))
    model = MODELS.build(cfg.model)
    assert type(model.head).__name__ == 'DoubledHead'
    sys.modules.pop('my_heads', None)
