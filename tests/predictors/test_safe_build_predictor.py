"""Predictors rebuild a checkpoint's model only from registered names; stored code never runs."""
import shlex
import sys

import cv2
import numpy as np
import pytest
import torch

from easycv_like.predictors import ClassificationPredictor, FeatureExtractor
from easycv_like.utils.safe_build import UntrustedConfigError


def _crafted(trained_run, tmp_path, edit):
    """The shared run's checkpoint with ``edit(meta)`` applied, saved as ``crafted.pth``."""
    raw = torch.load(trained_run['checkpoint'], weights_only=True)
    edit(raw['meta'])
    path = tmp_path / 'crafted.pth'
    torch.save(raw, path)
    return str(path)


def _touch(marker):
    return f'touch {shlex.quote(str(marker))}'


@pytest.mark.parametrize('predictor_cls', [ClassificationPredictor, FeatureExtractor])
def test_model_type_naming_a_function_is_refused(trained_run, tmp_path, predictor_cls):
    marker = tmp_path / 'pwned'

    def edit(meta):
        meta['config_dict']['model'] = dict(type='os.system', command=_touch(marker))
    with pytest.raises(UntrustedConfigError, match="'os.system' at model.type .*crafted.pth"):
        predictor_cls(_crafted(trained_run, tmp_path, edit))
    assert not marker.exists()


def test_nested_and_pipeline_types_are_refused(trained_run, tmp_path):
    marker = tmp_path / 'pwned'

    def backbone(meta):
        meta['config_dict']['model']['backbone'] = dict(type='builtins.open', file=str(marker),
                                                        mode='w')
    with pytest.raises(UntrustedConfigError, match="'builtins.open' at model.backbone.type"):
        ClassificationPredictor(_crafted(trained_run, tmp_path, backbone))

    def pipeline(meta):
        meta['config_dict']['eval_pipelines'][0]['data']['pipeline'].insert(
            0, dict(type='builtins.open', file=str(marker), mode='w'))
    with pytest.raises(UntrustedConfigError, match="'builtins.open' at pipeline.type"):
        ClassificationPredictor(_crafted(trained_run, tmp_path, pipeline))
    assert not marker.exists()


def test_stored_config_text_is_ignored(trained_run, tmp_path):
    marker = tmp_path / 'pwned'

    def edit(meta):
        meta['config'] = f"x = __import__('os').system({_touch(marker)!r})\n"
        meta['cfg'] = meta['config']
    predictor = ClassificationPredictor(_crafted(trained_run, tmp_path, edit))
    result = predictor.predict([np.zeros((16, 16, 3), np.uint8)])[0]
    assert 0 <= result['class'] < 10 and sum(result['scores']) == pytest.approx(1, abs=1e-4)
    assert not marker.exists()


def test_stored_custom_imports_need_trust(trained_run, tmp_path, monkeypatch):
    name = 'sec_predictor_marker_module'
    marker = tmp_path / 'imported'
    (tmp_path / f'{name}.py').write_text(f"open({str(marker)!r}, 'w').close()\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    def edit(meta):
        meta['config_dict']['custom_imports'] = dict(imports=[name])
    path = _crafted(trained_run, tmp_path, edit)
    try:
        with pytest.raises(UntrustedConfigError, match=f'asks to import .*{name}'):
            ClassificationPredictor(path)
        assert not marker.exists()
        predictor = ClassificationPredictor(path, trust_checkpoint=True)
        assert marker.exists() and predictor.classes is not None
    finally:
        sys.modules.pop(name, None)


def test_predict_tool_refuses_the_file(trained_run, tmp_path, monkeypatch, capsys):
    import predict  # tools/predict.py (tests/conftest.py puts tools/ on sys.path)
    marker = tmp_path / 'pwned'

    def edit(meta):
        meta['config_dict']['model'] = dict(type='os.system', command=_touch(marker))
    image = tmp_path / 'x.png'
    cv2.imwrite(str(image), np.zeros((16, 16, 3), np.uint8))
    monkeypatch.setattr(sys, 'argv', ['predict.py', _crafted(trained_run, tmp_path, edit),
                                      str(image)])
    with pytest.raises(SystemExit) as exit_info:
        predict.main()
    assert exit_info.value.code == 2
    assert "Refused type 'os.system' at model.type" in capsys.readouterr().err
    assert not marker.exists()
