"""Atomic writes and weights-only loading."""
import os
from collections import OrderedDict

import pytest
import torch

from easycv_like.utils.checkpoint import (CheckpointLoadError, UnsafeCheckpointError,
                                          atomic_link, atomic_write_bytes, load_checkpoint_file)


class _Sentinel:
    """Unpickling this runs code: it creates the file at ``path``."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, 'w'))


def test_atomic_write_keeps_the_old_file_when_interrupted(tmp_path, monkeypatch):
    target = tmp_path / 'a.bin'
    atomic_write_bytes(target, b'old')

    def broken_fsync(fd):
        raise OSError('disk died')
    monkeypatch.setattr(os, 'fsync', broken_fsync)
    with pytest.raises(OSError):
        atomic_write_bytes(target, b'new-but-never-complete')
    assert target.read_bytes() == b'old'
    assert os.listdir(tmp_path) == ['a.bin']  # no temp file left behind


def test_atomic_link(tmp_path):
    (tmp_path / 'epoch_1.pth').write_bytes(b'1')
    atomic_link(tmp_path / 'epoch_1.pth', tmp_path / 'latest.pth')
    (tmp_path / 'epoch_2.pth').write_bytes(b'2')
    atomic_link(tmp_path / 'epoch_2.pth', tmp_path / 'latest.pth')
    assert (tmp_path / 'latest.pth').read_bytes() == b'2'


def test_plain_checkpoint_loads(tmp_path):
    torch.save({'state_dict': {'w': torch.ones(2)}, 'meta': {'epoch': 3}}, tmp_path / 'c.pth')
    ckpt = load_checkpoint_file(tmp_path / 'c.pth')
    assert ckpt['meta']['epoch'] == 3 and torch.equal(ckpt['state_dict']['w'], torch.ones(2))


def test_a_state_dict_object_instead_of_a_path_is_named_not_printed():
    """A predictor given a state dict (not its file) used to raise an error message holding
    str() of every tensor."""
    state = OrderedDict(weight=torch.zeros(300, 300))
    with pytest.raises(CheckpointLoadError) as info:
        load_checkpoint_file(state)
    assert str(info.value) == ('A checkpoint is given by its file path; got an object of type '
                               'OrderedDict: save it with torch.save and pass the file.')


def test_code_carrying_checkpoint_is_refused(tmp_path):
    sentinel = tmp_path / 'pwned'
    torch.save({'x': _Sentinel(str(sentinel))}, tmp_path / 'evil.pth')
    with pytest.raises(UnsafeCheckpointError, match='evil.pth'):
        load_checkpoint_file(tmp_path / 'evil.pth')
    assert not sentinel.exists()


@pytest.mark.parametrize('damage', ['truncate', 'zeros', 'random'])
def test_damaged_checkpoint_names_the_file(tmp_path, damage):
    path = tmp_path / 'c.pth'
    torch.save({'w': torch.randn(100)}, path)
    data = path.read_bytes()
    path.write_bytes({'truncate': data[:len(data) // 2], 'zeros': bytes(len(data)),
                      'random': os.urandom(len(data))}[damage])
    with pytest.raises(CheckpointLoadError, match='c.pth') as err:
        load_checkpoint_file(path)
    assert not isinstance(err.value, UnsafeCheckpointError)
