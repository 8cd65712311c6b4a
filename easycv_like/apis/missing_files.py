"""A file the config names but the disk lacks (data not downloaded, a path relative to another
folder) ends a command line run with one line naming it, not a traceback through the Runner."""
import contextlib
import os
import sys
from typing import Iterator


@contextlib.contextmanager
def missing_files_end_the_run(prog: str) -> Iterator[None]:
    """Turn a ``FileNotFoundError`` inside into ``prog: error: ...`` on stderr and exit status 2
    (as argparse's errors), naming the path and the folder relative paths are read from."""
    try:
        yield
    except FileNotFoundError as err:
        if err.filename is None:  # e.g. mmengine's "Config file X does not exist."
            message = str(err)
        else:
            message = (f'no such file or folder {os.fspath(err.filename)!r}, named by the config '
                       f'or the command line. Relative paths are read from {os.getcwd()!r}: '
                       'run from the folder that holds the data, or give its path '
                       '(--cfg-options data.train.data_source.ann_file=... and the like; '
                       'docs/own_data.md).')
        print(f'{prog}: error: {message}', file=sys.stderr, flush=True)
        raise SystemExit(2) from err
