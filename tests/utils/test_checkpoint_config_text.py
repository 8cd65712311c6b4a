"""Checkpoints carry their config only as data; stored config text is never executed.

mmengine's resume runs ``meta['config']`` through ``Config.fromstring`` (Python). A crafted file
whose text would create a marker file is resumed (``--resume FILE`` and ``--resume auto``), used
as ``load_from`` and loaded directly: the marker must never appear.
"""
import os.path as osp
import shlex
import shutil

import torch

from easycv_like import train
from easycv_like.utils.checkpoint import load_checkpoint_file, strip_config_text


def _crafted(trained_run, tmp_path):
    """``epoch_1.pth`` of the shared run with config text that would create ``pwned``."""
    marker = tmp_path / 'pwned'
    raw = torch.load(osp.join(trained_run['work_dir'], 'epoch_1.pth'), weights_only=True)
    raw['meta']['config'] = f"x = __import__('os').system('touch {shlex.quote(str(marker))}')\n"
    raw['meta']['cfg'] = f"y = open({str(marker)!r}, 'w')\n"
    path = tmp_path / 'crafted.pth'
    torch.save(raw, path)
    return path, marker


def test_saved_checkpoints_hold_the_config_as_data_only(trained_run):
    raw = torch.load(trained_run['checkpoint'], weights_only=True)
    assert 'cfg' not in raw['meta'] and 'config' not in raw['meta']
    assert raw['meta']['config_dict']['total_epochs'] == 2
    assert raw['meta']['config_dict']['model']['type'] == 'Classification'


def test_loading_drops_config_text(trained_run, tmp_path):
    path, marker = _crafted(trained_run, tmp_path)
    meta = load_checkpoint_file(path)['meta']
    assert 'config' not in meta and 'cfg' not in meta and meta['epoch'] == 1
    assert strip_config_text({'meta': {'cfg': 'x', 'epoch': 3}}) == {'meta': {'epoch': 3}}
    assert strip_config_text([1]) == [1]
    assert not marker.exists()


def test_resume_from_file_does_not_run_stored_config(trained_run, tmp_path):
    path, marker = _crafted(trained_run, tmp_path)
    result = train(trained_run['config'], work_dir=str(tmp_path / 'work'), resume=str(path))
    assert not marker.exists()
    final = load_checkpoint_file(osp.join(result['work_dir'], 'epoch_2.pth'))
    assert final['meta']['epoch'] == 2 and final['meta']['iter'] == 16


def test_resume_auto_does_not_run_stored_config(trained_run, tmp_path):
    path, marker = _crafted(trained_run, tmp_path)
    work = tmp_path / 'work'
    work.mkdir()
    shutil.copy(path, work / 'epoch_1.pth')
    result = train(trained_run['config'], work_dir=str(work), resume='auto')
    assert not marker.exists()
    assert load_checkpoint_file(osp.join(result['work_dir'], 'epoch_2.pth'))['meta']['iter'] == 16


def test_load_from_does_not_run_stored_config(trained_run, tmp_path):
    path, marker = _crafted(trained_run, tmp_path)
    train(trained_run['config'], work_dir=str(tmp_path / 'work'), load_from=str(path),
          cfg_options={'total_epochs': 1})
    assert not marker.exists()
