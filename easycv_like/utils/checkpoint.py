"""Checkpoint files: atomic writes, and loads that never run code stored in the file.

Every write goes to a temporary file in the target folder, is flushed and fsync'ed, then renamed
over the final name, so a kill at any byte leaves the previous file intact. Every read uses
``torch.load(weights_only=True)``; a file that needs arbitrary unpickling is refused unless the
caller explicitly trusts it. Config text stored in a file's ``meta`` (mmengine's ``cfg`` /
``config``, which mmengine would execute as Python on resume) is dropped on every load.
"""
import logging
import os
import os.path as osp
import pickle
import tempfile
from typing import Any, Union

import torch
from mmengine.fileio import LocalBackend, register_backend
from mmengine.logging import print_log
from mmengine.runner import CheckpointLoader

from .file_mode import current_umask

PathLike = Union[str, os.PathLike]


class CheckpointLoadError(RuntimeError):
    """A checkpoint file is missing, truncated or otherwise unreadable."""


class UnsafeCheckpointError(CheckpointLoadError):
    """A checkpoint needs arbitrary unpickling (it could run code), so it was refused."""


def _fsync_dir(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temp file, fsync and rename.

    The file gets the permissions of any newly created file (0666 less the umask), not the
    owner-only 0600 of the temporary file, so group members can read shared checkpoints.
    """
    path = osp.abspath(path)
    folder = osp.dirname(path)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f'.{osp.basename(path)}.', suffix='.tmp', dir=folder)
    try:
        with os.fdopen(fd, 'wb') as f:
            os.fchmod(f.fileno(), 0o666 & ~current_umask())
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.unlink(tmp)
        raise
    _fsync_dir(folder)


def atomic_write_text(path: PathLike, text: str) -> None:
    atomic_write_bytes(path, text.encode('utf-8'))


def atomic_link(src: PathLike, dst: PathLike) -> None:
    """Make ``dst`` name the same file as ``src`` (hard link, else a copy), atomically."""
    src, dst = osp.abspath(src), osp.abspath(dst)
    tmp = f'{dst}.{os.getpid()}.tmp'
    try:
        os.link(src, tmp)
    except OSError:
        with open(src, 'rb') as f:
            atomic_write_bytes(dst, f.read())
        return
    os.replace(tmp, dst)
    _fsync_dir(osp.dirname(dst))


def _unpickling_reason(err: Exception) -> str:
    """The specific line of torch's weights-only error (the rest is generic advice)."""
    lines = [ln.strip() for ln in str(err).splitlines() if ln.strip()]
    for line in lines:
        if 'GLOBAL' in line or 'Unsupported' in line:
            reason = line.split('error:', 1)[-1].strip()
            return reason.split('. Please use')[0]
    return lines[-1] if lines else type(err).__name__


CONFIG_TEXT_KEYS = ('cfg', 'config')


def strip_config_text(checkpoint: Any) -> Any:
    """Drop config text (``meta['cfg']``, ``meta['config']``) from a checkpoint dict, in place.

    mmengine's resume executes ``meta['config']`` as Python; a checkpoint carries its config only
    as data (``meta['config_dict']``), so the text is never kept, written or read.
    """
    meta = checkpoint.get('meta') if isinstance(checkpoint, dict) else None
    if isinstance(meta, dict):
        for key in CONFIG_TEXT_KEYS:
            meta.pop(key, None)
    return checkpoint


def load_checkpoint_file(path: PathLike, map_location: Any = 'cpu', trust: bool = False) -> Any:
    """Load a checkpoint with ``weights_only=True``; refuse files that would run code.

    Config text in ``meta`` is dropped (:func:`strip_config_text`).

    Args:
        path: the checkpoint file.
        map_location: as for ``torch.load``.
        trust: load a file that needs arbitrary unpickling anyway (an explicit opt-in for old
            third-party checkpoints; it warns). Never use it on files you did not make.
    """
    if not isinstance(path, (str, os.PathLike)):  # str() of a state dict would print every tensor
        raise CheckpointLoadError('A checkpoint is given by its file path; got an object of '
                                  f'type {type(path).__name__}: save it with torch.save and '
                                  'pass the file.')
    path = osp.expanduser(str(path))
    if osp.isdir(path):
        raise CheckpointLoadError(f'Checkpoint {path} is a folder; give a checkpoint file in it '
                                  '(e.g. latest.pth).')
    if not osp.isfile(path):
        raise CheckpointLoadError(f'Checkpoint {path} does not exist.')
    if path.endswith(('.py', '.json', '.yml', '.yaml')):
        raise CheckpointLoadError(f'Checkpoint {path} is a config file, not a checkpoint; check '
                                  'the order of the arguments (--help).')
    try:
        return strip_config_text(torch.load(path, map_location=map_location, weights_only=True))
    except pickle.UnpicklingError as err:
        reason = _unpickling_reason(err)
        if 'GLOBAL' not in reason:
            raise CheckpointLoadError(f'Checkpoint {path} is corrupt: {reason}') from err
        if not trust:
            raise UnsafeCheckpointError(
                f'Refused to load checkpoint {path}: it holds objects that only arbitrary '
                f'unpickling can create, which could run code ({reason}). If you made this '
                'file or trust its source, pass --trust-checkpoint (trust_checkpoint=True).'
            ) from err
    except Exception as err:
        raise CheckpointLoadError(
            f'Checkpoint {path} is truncated or corrupt: {type(err).__name__}: {err}') from err
    print_log(f'Loading {path} with arbitrary unpickling because it was explicitly trusted.',
              logger='current', level=logging.WARNING)
    return strip_config_text(torch.load(path, map_location=map_location, weights_only=False))


class AtomicLocalBackend(LocalBackend):
    """mmengine's local file backend with atomic ``put`` / ``put_text``: the Runner saves
    checkpoints through it."""

    def put(self, obj: bytes, filepath: PathLike) -> None:
        atomic_write_bytes(filepath, obj)

    def put_text(self, obj: str, filepath: PathLike, encoding: str = 'utf-8') -> None:
        atomic_write_bytes(filepath, obj.encode(encoding))


class _TrustSetting:
    """Whether the Runner's own loads (resume, load_from) may fall back to unsafe unpickling."""
    trust = False


def set_trust_checkpoints(trust: bool) -> None:
    """Let the Runner's loads accept files that need arbitrary unpickling (opt-in, warns)."""
    _TrustSetting.trust = bool(trust)


def checkpoints_trusted() -> bool:
    """Whether :func:`set_trust_checkpoints` allowed arbitrary unpickling for the Runner's loads."""
    return _TrustSetting.trust


def _load_local(filename: str, map_location: Any = None) -> Any:
    return load_checkpoint_file(filename, map_location, trust=_TrustSetting.trust)


register_backend('atomic_local', AtomicLocalBackend, force=True)
CheckpointLoader.register_scheme(prefixes='', loader=_load_local, force=True)
