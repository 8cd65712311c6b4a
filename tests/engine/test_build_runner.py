"""Schema checks and CLI overrides of engine/build_runner.py."""
import pytest
from mmengine.config import Config

from easycv_like.engine.build_runner import apply_overrides, check_schema


def _cfg(**extra):
    data = dict(train=dict(type='ClsDataset', data_source=dict(type='ImageList', list_file='x'),
                           pipeline=[]))
    return Config(dict(model=dict(type='Classification'), data=data, total_epochs=1,
                       optimizer=dict(type='SGD', lr=0.1), **extra))


def test_unknown_top_level_keys_are_named():
    with pytest.raises(KeyError) as err:
        check_schema(_cfg(optimzer=dict(type='SGD'), foo=1))
    text = str(err.value)
    assert "'optimzer'" in text and "'optimizer'" in text and "'foo'" in text


def test_private_helper_variables_are_allowed():
    check_schema(_cfg(_data_root='x'))


def test_exactly_one_training_length():
    with pytest.raises(KeyError, match='total_epochs / total_iters'):
        check_schema(_cfg(total_iters=5))


def test_overrides_fold_into_the_config(tmp_path):
    cfg = apply_overrides(_cfg(), work_dir='w', fp16=True, load_from='a.pth', resume='auto')
    assert cfg.work_dir == 'w' and cfg.fp16 == dict(loss_scale='dynamic')
    assert cfg.load_from == 'a.pth' and cfg.resume_from == 'auto'
    (tmp_path / 'my_cfg.py').write_text('total_epochs = 1\n')
    default = apply_overrides(Config.fromfile(str(tmp_path / 'my_cfg.py')))
    assert default.work_dir.endswith('work_dirs/my_cfg')
