"""TFRecord files on disk: record framing, ``.idx`` index files, and finding shards.

A TFRecord file is a sequence of records, each framed (little endian) as
``uint64 payload length | uint32 masked CRC-32C of the length | payload | uint32 masked CRC-32C
of the payload``. An index file (the format of the ``tfrecord`` package, which DALI's TFRecord
reader needs) has one ``offset size`` line per record: where its frame starts and how many bytes
the whole frame takes. With the index, record ``i`` is one seek and one read away.
"""
import glob
import os
import re
import struct
from collections.abc import Sequence
from typing import Optional, Union

import crc32c
import numpy as np

from easycv_like.data.errors import BadSampleError

HEADER_BYTES = 12  # length (8) + its CRC (4)
FOOTER_BYTES = 4  # CRC of the payload
_CRC_MASK = 0xA282EAD8
_SHARD_NAME = re.compile(r'(?P<stem>.*)-(?P<i>\d{5})-of-(?P<n>\d{5})\.tfrecord')


def masked_crc(data: bytes) -> int:
    """TFRecord's masked CRC-32C: rotated right by 15 bits, plus a constant (mod 2**32)."""
    crc = crc32c.crc32c(data)
    return (((crc >> 15) | (crc << 17)) + _CRC_MASK) & 0xFFFFFFFF


def frame_record(payload: bytes) -> bytes:
    """The bytes of one record holding ``payload``, ready to append to a TFRecord file."""
    length = struct.pack('<Q', len(payload))
    return b''.join((length, struct.pack('<I', masked_crc(length)), payload,
                     struct.pack('<I', masked_crc(payload))))


def read_record(f, path: str, offset: int, size: Optional[int] = None,
                record: Optional[int] = None) -> bytes:
    """Read and check the record whose frame starts at byte ``offset`` of the open file ``f``.

    Args:
        f: the TFRecord file opened in binary mode.
        path: its path, for error messages.
        offset: where the frame starts.
        size: the frame size the index file gives, checked against the frame's own length.
        record: the record's number in the file, for error messages (None: unknown).

    Raises:
        BadSampleError: the frame is cut short, its length disagrees with the index, or a CRC
            does not match; the message names the file, the record number and the byte offset.
    """
    where, key = record_place(path, offset, record), f'{path}@{offset}'
    f.seek(offset)
    header = f.read(HEADER_BYTES)
    if len(header) < HEADER_BYTES:
        raise BadSampleError(f'Bad TFRecord {where}: the file ends inside a record header '
                             '(truncated file?).', [key])
    length_bytes, length_crc = header[:8], struct.unpack('<I', header[8:])[0]
    if masked_crc(length_bytes) != length_crc:
        raise BadSampleError(f'Bad TFRecord {where}: the length CRC does not match (corrupt '
                             'file, or a stale index).', [key])
    length = struct.unpack('<Q', length_bytes)[0]
    if size is not None and HEADER_BYTES + length + FOOTER_BYTES != size:
        raise BadSampleError(f'Bad TFRecord {where}: the record length {length} disagrees with '
                             f'the index size {size}.', [key])
    body = f.read(length + FOOTER_BYTES)
    if len(body) < length + FOOTER_BYTES:
        raise BadSampleError(f'Bad TFRecord {where}: the file ends inside a record of {length} '
                             'bytes (truncated file?).', [key])
    payload = body[:length]
    if masked_crc(payload) != struct.unpack('<I', body[length:])[0]:
        raise BadSampleError(f'Bad TFRecord {where}: the payload CRC does not match (corrupt '
                             'record).', [key])
    return payload


def record_place(path: str, offset: int, record: Optional[int] = None) -> str:
    """``'path' record R (byte offset O)`` for messages; without ``record``, the offset only."""
    if record is None:
        return f'{path!r} at byte offset {offset}'
    return f'{path!r} record {record} (byte offset {offset})'


class ShardScanError(BadSampleError):
    """A shard without index whose records cannot be walked past ``offset``.

    Attributes:
        entries: ``R x 2`` (offset, size) of the records before the damage, still readable.
        offset: the byte offset of the record that could not be framed.
    """

    def __init__(self, message: str, path: str, offset: int, entries: np.ndarray) -> None:
        super().__init__(message, [f'{path}@{offset}'])
        self.offset = offset
        self.entries = entries


def scan_offsets(path: str) -> np.ndarray:
    """Walk the frames of a TFRecord file: ``R x 2`` int64 array of (offset, size) per record.

    Each record's length is checked against its CRC, so a flipped bit in a length is found at
    the record where it happened (payload CRCs are checked when a record is read).

    Raises:
        ShardScanError: a record's length fails its CRC or runs past the end of the file,
            naming its byte offset; ``entries`` holds the records before it.
    """
    entries, offset, file_size = [], 0, os.path.getsize(path)
    with open(path, 'rb') as f:
        while offset < file_size:
            header = f.read(HEADER_BYTES)
            why = None
            if len(header) < HEADER_BYTES:
                why = 'the file ends inside this record\'s header (truncated file?)'
            elif masked_crc(header[:8]) != struct.unpack('<I', header[8:])[0]:
                why = ('the length CRC does not match (a corrupt length: the records after it '
                       'cannot be located without an .idx index)')
            else:
                size = HEADER_BYTES + FOOTER_BYTES + struct.unpack('<Q', header[:8])[0]
                if offset + size > file_size:
                    why = 'the file ends inside this record (truncated file?)'
            if why is not None:
                raise ShardScanError(f'Bad TFRecord {path!r} at byte offset {offset}: {why}.',
                                     path, offset, _as_table(entries))
            entries.append((offset, size))
            offset += size
            f.seek(offset)
    return _as_table(entries)


def _as_table(entries: Sequence[tuple[int, int]]) -> np.ndarray:
    return np.asarray(entries, dtype=np.int64).reshape(-1, 2)


def read_index(path: str) -> np.ndarray:
    """Read an ``offset size`` index file into an ``R x 2`` int64 array."""
    with open(path) as f:
        rows = [line.split() for line in f if line.strip()]
    if any(len(row) != 2 for row in rows):
        raise ValueError(f'Index file {path!r} must hold two integers (offset size) a line.')
    return np.asarray(rows, dtype=np.int64).reshape(-1, 2)


def write_index(path: str, entries: Sequence[tuple[int, int]]) -> None:
    """Write (offset, size) pairs as an index file."""
    with open(path, 'w') as f:
        f.writelines(f'{offset} {size}\n' for offset, size in entries)


def read_checked_index(shard: str, index: str) -> np.ndarray:
    """Read ``index`` and check that it describes ``shard`` exactly: frames back to back from
    byte 0 to the end of the file.

    Cheap (one ``stat``), so both readers run it at start-up: a shard cut short by an interrupted
    copy, or an index left from another conversion, is refused before training instead of
    failing (or, for DALI, reading garbage) records later.

    Raises:
        ValueError: naming both files, the first record that does not fit and the sizes.
    """
    table = read_index(index)
    file_size = os.path.getsize(shard)
    ends = table[:, 0] + table[:, 1]
    starts = np.concatenate([[0], ends[:-1]])
    gaps = np.flatnonzero((table[:, 0] != starts) | (table[:, 1] < HEADER_BYTES + FOOTER_BYTES))
    why = None
    if len(gaps):
        k = int(gaps[0])
        why = (f'its record {k} is at byte {int(table[k, 0])} with size {int(table[k, 1])}, but '
               f'the record before it ends at byte {int(starts[k])}')
    elif (int(ends[-1]) if len(table) else 0) != file_size:
        why = (f'its {len(table)} records end at byte {int(ends[-1]) if len(table) else 0} but '
               f'the shard has {file_size} bytes')
    if why is not None:
        raise ValueError(f'TFRecord index {index!r} does not describe shard {shard!r}: {why} '
                         '(a shard cut short by an interrupted copy or conversion, or an index '
                         'from another conversion). Re-run tools/convert_to_tfrecord.py, copy '
                         'the shard again, or re-index it (python -m '
                         'tfrecord.tools.tfrecord2idx).')
    return table


def check_shard_set(paths: Sequence[str]) -> None:
    """Check that globbed ``{prefix}-{i:05d}-of-{N:05d}.tfrecord`` shards form whole sets.

    For every prefix, all ``N`` shards must be there, all with the same ``N``: a glob silently
    skips a shard an interrupted conversion or copy never wrote, and training would see part of
    the data. Names of another form are not checked.

    Raises:
        FileNotFoundError: shards of a set are missing (named).
        ValueError: one prefix has shards of sets with different counts.
    """
    sets: dict[str, dict[int, set]] = {}
    for path in paths:
        match = _SHARD_NAME.fullmatch(str(path))
        if match:
            counts = sets.setdefault(match['stem'], {})
            counts.setdefault(int(match['n']), set()).add(int(match['i']))
    for stem, counts in sets.items():
        if len(counts) > 1:
            raise ValueError(f'TFRecord shards {stem}-*-of-N.tfrecord mix sets of '
                             f'{sorted(counts)} shards: files of different conversions; keep '
                             'one set.')
        (count, present), = counts.items()
        missing = [f'{stem}-{i:05d}-of-{count:05d}.tfrecord' for i in range(count)
                   if i not in present]
        if missing:
            raise FileNotFoundError(f'Incomplete TFRecord shard set: {len(missing)} of {count} '
                                    f'shards are missing, e.g. {missing[:3]} (an interrupted '
                                    'conversion or copy?). Re-run tools/convert_to_tfrecord.py '
                                    '--force, or copy the missing shards.')


def index_path_for(shard: str) -> str:
    """Where the index of ``shard`` lives by default: the same name ending in ``.idx``."""
    return os.path.splitext(shard)[0] + '.idx'


def resolve_shards(shards: Union[str, Sequence[str]],
                   index_files: Optional[Sequence[str]] = None
                   ) -> tuple[list[str], list[Optional[str]]]:
    """Shard paths (a glob pattern is expanded and sorted) and their index files.

    Without ``index_files``, each shard's ``.idx`` neighbour is used when it exists (else None).
    A glob's matches must form whole ``-of-N`` sets (:func:`check_shard_set`).

    Raises:
        FileNotFoundError: no shard matches, a globbed ``-of-N`` set is incomplete, or a given
            index file is missing.
        ValueError: ``index_files`` does not give one file per shard, or a glob mixes ``-of-N``
            sets of different ``N``.
    """
    if isinstance(shards, (str, os.PathLike)):
        paths = [str(shards)]
        if glob.has_magic(str(shards)):
            paths = sorted(glob.glob(str(shards)))
            check_shard_set(paths)
    else:
        paths = [str(p) for p in shards]
    missing = [p for p in paths if not os.path.isfile(p)]
    if not paths or missing:
        raise FileNotFoundError(f'No TFRecord shard found for {shards!r}'
                                + (f' (missing: {missing})' if missing else '') + '.')
    if index_files is None:
        indexes = [index_path_for(p) if os.path.isfile(index_path_for(p)) else None
                   for p in paths]
        return paths, indexes
    indexes = [str(p) for p in index_files]
    if len(indexes) != len(paths):
        raise ValueError(f'{len(paths)} TFRecord shards but {len(indexes)} index files.')
    missing = [p for p in indexes if not os.path.isfile(p)]
    if missing:
        raise FileNotFoundError(f'Missing TFRecord index files: {missing}.')
    return paths, indexes
