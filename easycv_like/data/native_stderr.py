"""``call_capturing_stderr``: run a call and collect what native code writes to stderr meanwhile.

libjpeg (inside OpenCV) reports a garbled but decodable JPEG only by printing a warning such as
``Corrupt JPEG data: 21 extraneous bytes before marker 0xd9`` on the process's stderr, and still
returns an image. Pointing file descriptor 2 at a private temporary file for the duration of the
call turns that warning into text the caller can act on; anything else captured is written back
to the real stderr. Costs a few system calls (microseconds) per call.
"""
import os
import sys
import tempfile
import threading
from typing import Any, Callable

_LOCK = threading.Lock()  # file descriptor 2 is shared by the process's threads
_SINKS: dict[int, int] = {}  # process id -> descriptor of its temporary file (not shared by forks)


def _new_lock_in_child() -> None:
    global _LOCK
    _LOCK = threading.Lock()  # a fork while another thread held the lock must not deadlock


os.register_at_fork(after_in_child=_new_lock_in_child)


def _sink() -> int:
    pid = os.getpid()
    if pid not in _SINKS:
        with tempfile.TemporaryFile() as f:
            _SINKS[pid] = os.dup(f.fileno())
    return _SINKS[pid]


def call_capturing_stderr(fn: Callable[..., Any], *args: Any) -> tuple[Any, str]:
    """Return ``(fn(*args), text written to file descriptor 2 during the call)``."""
    with _LOCK:
        sink = _sink()
        if sys.stderr is not None:
            sys.stderr.flush()  # Python's own pending text is not the call's
        saved = os.dup(2)
        os.dup2(sink, 2)
        try:
            result = fn(*args)
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        size = os.lseek(sink, 0, os.SEEK_CUR)
        text = b''
        if size:
            os.lseek(sink, 0, os.SEEK_SET)
            text = os.read(sink, size)
            os.ftruncate(sink, 0)
            os.lseek(sink, 0, os.SEEK_SET)
    return result, text.decode('utf-8', 'replace')
