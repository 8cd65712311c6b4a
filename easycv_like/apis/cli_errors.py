"""What the person at the command line has to fix ends a tool with one line, not a traceback.

A file the config names but the disk lacks (data not downloaded, a path relative to another
folder), a config key or value the schema or the part it configures refuses (``ConfigError``
of ``easycv_like/errors.py``), a checkpoint that is missing, corrupt or does not fit, a work
dir another run holds or that cannot be written, an image file that cannot be read
(``BadSampleError``, with how to skip such files): each is printed as ``<tool>: error:
<message>`` on stderr with exit status 2, as argparse reports usage errors.
Anything else (a bug, a crash mid-training) keeps its traceback.
"""
import contextlib
import os
import sys
from typing import Iterator, Optional

import torch

from ..data.errors import BadSampleError
from ..engine.dist_init import LauncherEnvError
from ..engine.hooks.epoch_length_check_hook import EpochLengthMismatchError
from ..engine.resume_config_check import ResumeConfigMismatchError
from ..engine.work_dir_lock import WorkDirLockedError
from ..errors import ClassMismatchError, ConfigError, UsageError
from ..predictors.model_task import WrongModelError
from ..utils.checkpoint import CheckpointLoadError
from ..utils.safe_build import UntrustedConfigError
from ..utils.weight_loading import WeightLoadError


USER_ERRORS = (UsageError, ConfigError, CheckpointLoadError, WeightLoadError, ClassMismatchError,
               ResumeConfigMismatchError, WorkDirLockedError, UntrustedConfigError,
               EpochLengthMismatchError, LauncherEnvError, BadSampleError,
               WrongModelError)


def own_message(err: BaseException) -> str:
    """``str(err)`` without the worker's traceback that a DataLoader worker puts in front of
    the message of an error it re-raises in the main process."""
    name = f'{type(err).__module__}.{type(err).__qualname__}: '
    return str(err).rsplit(name, 1)[-1].strip()


def _message(err: BaseException, with_config: bool) -> str:
    if isinstance(err, BadSampleError):
        option = (f'max_bad_samples=K in {err.config_path} (or in the split of data it names, '
                  "e.g. data.val for data='val'" if err.config_path else
                  'max_bad_samples=K (e.g. --cfg-options +data.train.max_bad_samples=10')
        return (own_message(err) + ' Replace or remove the file, or let the dataset that reads '
                f'it skip unreadable files, {option}; docs/reliability.md).')
    if isinstance(err, FileNotFoundError) and err.filename is not None:
        where = f'Relative paths are read from {os.getcwd()!r}'
        if not with_config:
            return f'no such file or folder {os.fspath(err.filename)!r}. {where}.'
        return (f'no such file or folder {os.fspath(err.filename)!r}, named by the config or the '
                f'command line. {where}: run from the folder that holds the data, or give its '
                'path (--cfg-options data.train.data_source.ann_file=... and the like; '
                'docs/own_data.md).')
    if isinstance(err, OSError) and err.filename is not None:  # permissions, a file for a folder
        return f'cannot use {os.fspath(err.filename)!r}: {err.strerror}.'
    return own_message(err)  # e.g. mmengine's "Config file X does not exist."


def check_output_file(path: str, flag: str) -> None:
    """Refuse, before any work, an output file that cannot be written: its folder is missing,
    or the path is a folder."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise UsageError(f'{flag} {path!r} is a folder; give a file name.')
    if not os.path.isdir(folder):
        raise UsageError(f'{flag} {path!r}: the folder {folder!r} does not exist.')


def check_device(device: Optional[str], flag: str = '--device') -> None:
    """Refuse a device torch does not know (``gpu``) or a CUDA device on a machine without one,
    before a checkpoint is loaded (torch's own errors come from deep inside the load)."""
    if device is None:
        return
    try:
        parsed = torch.device(device)
    except RuntimeError:
        raise UsageError(f"{flag} {device!r} is not a device: use 'cpu', 'cuda' or 'cuda:N'.") \
            from None
    if parsed.type == 'cuda' and not torch.cuda.is_available():
        raise UsageError(f'{flag} {device}: this machine has no CUDA device; use --device cpu.')
    if parsed.type == 'cuda' and parsed.index is not None and \
            parsed.index >= torch.cuda.device_count():
        raise UsageError(f'{flag} {device}: this machine has {torch.cuda.device_count()} CUDA '
                         'device(s).')


@contextlib.contextmanager
def user_errors_end_the_run(prog: str, with_config: bool = True) -> Iterator[None]:
    """Turn the errors a user has to fix (``USER_ERRORS``, a missing file, an unusable path)
    into ``prog: error: ...`` on stderr and exit status 2; ``with_config=False`` for tools
    without a config (a missing file was named on the command line)."""
    try:
        yield
    except (FileNotFoundError, PermissionError, IsADirectoryError, NotADirectoryError,
            FileExistsError) + USER_ERRORS as err:
        print(f'{prog}: error: {_message(err, with_config)}', file=sys.stderr, flush=True)
        raise SystemExit(2) from err
