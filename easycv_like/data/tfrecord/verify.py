"""``verify_tfrecord``: read every record of a shard set once, as the CPU path would.

DALI's TFRecord reader checks no CRC and its decoder turns corrupt JPEG data into garbage blocks
without an error, so a set trained with DALI is best checked once after copying it. The start-up
checks (whole ``-of-N`` set, each index matching its shard) run first; then each record's CRCs,
its Example and its image are checked, in ``workers`` processes when asked.
"""
import multiprocessing
from collections.abc import Sequence
from typing import Optional, Union

from easycv_like.data.errors import BadSampleError
from easycv_like.data.sources.tfrecord import TFRecord

_CHUNK = 256  # records a worker checks per task


def _check_range(task: tuple) -> list[str]:
    source, start, stop = task
    problems = []
    for index in range(start, stop):
        try:
            source[index]
        except BadSampleError as err:
            problems.append(str(err))
    return problems


def verify_tfrecord(shards: Union[str, Sequence[str]],
                    index_files: Optional[Sequence[str]] = None,
                    workers: int = 0) -> tuple[int, list[str]]:
    """Check every record of ``shards``.

    Args:
        shards: a glob pattern or a list of shard paths (as for the ``TFRecord`` source).
        index_files: one ``.idx`` per shard; default each shard's neighbour.
        workers: processes reading records (0: this process).

    Returns:
        (number of records, one message per bad record naming its shard, record number, byte
        offset and original file name), in record order.

    Raises:
        FileNotFoundError, ValueError: the set fails the start-up checks (missing shards, an
            index that does not describe its shard).
    """
    source = TFRecord(shards, index_files=index_files)
    tasks = [(source, start, min(start + _CHUNK, len(source)))
             for start in range(0, len(source), _CHUNK)]
    if workers <= 0:
        results = map(_check_range, tasks)
        return len(source), [message for problems in results for message in problems]
    with multiprocessing.get_context('spawn').Pool(workers) as pool:
        results = pool.imap(_check_range, tasks)
        return len(source), [message for problems in results for message in problems]
