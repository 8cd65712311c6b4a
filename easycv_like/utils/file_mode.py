"""The process's umask, read without changing it, so files we create honour it."""
import os
import threading

_LOCK = threading.Lock()


def current_umask() -> int:
    """The file-creation mask of this process (e.g. ``0o022``).

    Linux reports it in ``/proc/self/status``; elsewhere it is read by setting and restoring it
    (under a lock, as ``os.umask`` has no read-only form before Python 3.13's ``os.getumask``).
    """
    try:
        with open('/proc/self/status', encoding='ascii') as f:
            for line in f:
                if line.startswith('Umask:'):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _LOCK:
        mask = os.umask(0o077)
        os.umask(mask)
    return mask
