"""TFRecord files on disk: record framing, ``.idx`` index files, and finding shards.

A TFRecord file is a sequence of records, each framed (little endian) as
``uint64 payload length | uint32 masked CRC-32C of the length | payload | uint32 masked CRC-32C
of the payload``. An index file (the format of the ``tfrecord`` package, which DALI's TFRecord
reader needs) has one ``offset size`` line per record: where its frame starts and how many bytes
the whole frame takes. With the index, record ``i`` is one seek and one read away.
"""
import glob
import os
import struct
from collections.abc import Sequence
from typing import Optional, Union

import crc32c
import numpy as np

from easycv_like.data.errors import BadSampleError

HEADER_BYTES = 12  # length (8) + its CRC (4)
FOOTER_BYTES = 4  # CRC of the payload
_CRC_MASK = 0xA282EAD8


def masked_crc(data: bytes) -> int:
    """TFRecord's masked CRC-32C: rotated right by 15 bits, plus a constant (mod 2**32)."""
    crc = crc32c.crc32c(data)
    return (((crc >> 15) | (crc << 17)) + _CRC_MASK) & 0xFFFFFFFF


def frame_record(payload: bytes) -> bytes:
    """The bytes of one record holding ``payload``, ready to append to a TFRecord file."""
    length = struct.pack('<Q', len(payload))
    return b''.join((length, struct.pack('<I', masked_crc(length)), payload,
                     struct.pack('<I', masked_crc(payload))))


def read_record(f, path: str, offset: int, size: Optional[int] = None) -> bytes:
    """Read and check the record whose frame starts at byte ``offset`` of the open file ``f``.

    Args:
        f: the TFRecord file opened in binary mode.
        path: its path, for error messages.
        offset: where the frame starts.
        size: the frame size the index file gives, checked against the frame's own length.

    Raises:
        BadSampleError: the frame is cut short, its length disagrees with the index, or a CRC
            does not match; the message names the file and the byte offset.
    """
    where = f'{path}@{offset}'
    f.seek(offset)
    header = f.read(HEADER_BYTES)
    if len(header) < HEADER_BYTES:
        raise BadSampleError(f'Bad TFRecord {path!r} at byte offset {offset}: the file ends '
                             'inside a record header (truncated file?).', [where])
    length_bytes, length_crc = header[:8], struct.unpack('<I', header[8:])[0]
    if masked_crc(length_bytes) != length_crc:
        raise BadSampleError(f'Bad TFRecord {path!r} at byte offset {offset}: the length CRC '
                             'does not match (corrupt file, or a stale index).', [where])
    length = struct.unpack('<Q', length_bytes)[0]
    if size is not None and HEADER_BYTES + length + FOOTER_BYTES != size:
        raise BadSampleError(f'Bad TFRecord {path!r} at byte offset {offset}: the record '
                             f'length {length} disagrees with the index size {size}.', [where])
    body = f.read(length + FOOTER_BYTES)
    if len(body) < length + FOOTER_BYTES:
        raise BadSampleError(f'Bad TFRecord {path!r} at byte offset {offset}: the file ends '
                             f'inside a record of {length} bytes (truncated file?).', [where])
    payload = body[:length]
    if masked_crc(payload) != struct.unpack('<I', body[length:])[0]:
        raise BadSampleError(f'Bad TFRecord {path!r} at byte offset {offset}: the payload CRC '
                             'does not match (corrupt record).', [where])
    return payload


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


def index_path_for(shard: str) -> str:
    """Where the index of ``shard`` lives by default: the same name ending in ``.idx``."""
    return os.path.splitext(shard)[0] + '.idx'


def resolve_shards(shards: Union[str, Sequence[str]],
                   index_files: Optional[Sequence[str]] = None
                   ) -> tuple[list[str], list[Optional[str]]]:
    """Shard paths (a glob pattern is expanded and sorted) and their index files.

    Without ``index_files``, each shard's ``.idx`` neighbour is used when it exists (else None).

    Raises:
        FileNotFoundError: no shard matches, or a given index file is missing.
        ValueError: ``index_files`` does not give one file per shard.
    """
    if isinstance(shards, (str, os.PathLike)):
        paths = sorted(glob.glob(str(shards))) if glob.has_magic(str(shards)) else [str(shards)]
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
