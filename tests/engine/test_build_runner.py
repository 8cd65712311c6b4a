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


def test_two_runs_in_one_second_log_into_their_own_work_dirs(tmp_path, tiny_digits, monkeypatch):
    """mmengine names its visualizer by config name + timestamp (seconds): without our run
    number, the second run would reuse the first one's visualizer and log into its work dir."""
    import time

    from easycv_like.engine.build_runner import build_runner

    from ..conftest import write_tiny_config
    monkeypatch.setattr(time, 'strftime', lambda fmt, *args: '20260101_000000')
    cfg = Config.fromfile(write_tiny_config(str(tmp_path), tiny_digits))
    runners = [build_runner(apply_overrides(cfg, str(tmp_path / name))) for name in 'AB']
    assert runners[0].experiment_name != runners[1].experiment_name
    save_dirs = [r.visualizer._vis_backends['LocalVisBackend']._save_dir for r in runners]
    assert save_dirs[0].startswith(str(tmp_path / 'A'))
    assert save_dirs[1].startswith(str(tmp_path / 'B'))


def test_torch_threads_sets_the_training_process_threads(tmp_path, tiny_digits):
    import torch

    from easycv_like.engine.build_runner import build_runner

    from ..conftest import write_tiny_config
    cfg = Config.fromfile(write_tiny_config(str(tmp_path), tiny_digits))
    torch.set_num_threads(2)  # conftest's autouse fixture restores the count afterwards
    cfg.merge_from_dict({'torch_threads': 1})
    build_runner(apply_overrides(cfg, str(tmp_path / 'w')))
    assert torch.get_num_threads() == 1
    with pytest.raises(Exception, match='torch_threads'):
        cfg.merge_from_dict({'torch_threads': 0})
        check_schema(apply_overrides(cfg, str(tmp_path / 'w')))
