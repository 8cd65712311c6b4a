"""Checkpoints and pointer files are created with the umask's permissions, not 0600."""
import os
import stat

import pytest

from easycv_like.utils import file_mode
from easycv_like.utils.checkpoint import atomic_link, atomic_write_bytes, atomic_write_text


@pytest.fixture
def umask():
    """Set the process umask for one test, then restore it."""
    previous = os.umask(0o022)
    os.umask(previous)

    def set_mask(mask):
        os.umask(mask)
        return mask
    yield set_mask
    os.umask(previous)


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize('mask, expected', [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_atomic_write_honours_the_umask(tmp_path, umask, mask, expected):
    umask(mask)
    atomic_write_bytes(tmp_path / 'epoch_1.pth', b'weights')
    atomic_write_text(tmp_path / 'last_checkpoint', 'epoch_1.pth')
    assert _mode(tmp_path / 'epoch_1.pth') == expected
    assert _mode(tmp_path / 'last_checkpoint') == expected
    atomic_link(tmp_path / 'epoch_1.pth', tmp_path / 'latest.pth')
    assert _mode(tmp_path / 'latest.pth') == expected


def test_replacing_a_file_takes_the_umask_mode(tmp_path, umask):
    umask(0o022)
    target = tmp_path / 'a.pth'
    target.write_bytes(b'old')
    os.chmod(target, 0o600)
    atomic_write_bytes(target, b'new')
    assert target.read_bytes() == b'new' and _mode(target) == 0o644


def test_current_umask_reads_without_changing_it(umask):
    umask(0o027)
    assert file_mode.current_umask() == 0o027
    assert file_mode.current_umask() == 0o027


def test_current_umask_without_proc(umask, monkeypatch):
    umask(0o007)
    real_open = open

    def no_proc(path, *args, **kwargs):
        if str(path).startswith('/proc/'):
            raise OSError('no /proc here')
        return real_open(path, *args, **kwargs)
    monkeypatch.setattr('builtins.open', no_proc)
    assert file_mode.current_umask() == 0o007
    monkeypatch.undo()
    assert file_mode.current_umask() == 0o007
