"""TFRecord framing, CRC checks and index files."""
import numpy as np
import pytest

from easycv_like.data.errors import BadSampleError
from easycv_like.data.tfrecord import frame_record, read_record, resolve_shards, scan_offsets
from easycv_like.data.tfrecord.record_file import ShardScanError, write_index


def _write(path, payloads) -> list:
    entries, offset = [], 0
    with open(path, 'wb') as f:
        for payload in payloads:
            frame = frame_record(payload)
            f.write(frame)
            entries.append((offset, len(frame)))
            offset += len(frame)
    return entries


def test_frames_read_back_and_scan_matches(tmp_path):
    path = str(tmp_path / 'a.tfrecord')
    payloads = [b'', b'x' * 5, bytes(range(256))]
    entries = _write(path, payloads)
    np.testing.assert_array_equal(scan_offsets(path), np.asarray(entries))
    with open(path, 'rb') as f:
        assert [read_record(f, path, o, s) for o, s in entries] == payloads


def test_corruption_and_truncation_name_file_and_offset(tmp_path):
    path = str(tmp_path / 'a.tfrecord')
    entries = _write(path, [b'first', b'second record'])
    data = bytearray(open(path, 'rb').read())
    data[entries[1][0] + 14] ^= 0xFF  # a payload byte of record 1
    open(path, 'wb').write(bytes(data))
    with open(path, 'rb') as f:
        assert read_record(f, path, *entries[0]) == b'first'
        with pytest.raises(BadSampleError, match=rf"{path}.*byte offset {entries[1][0]}.*CRC"):
            read_record(f, path, *entries[1])
        with pytest.raises(BadSampleError, match='disagrees with the index'):
            read_record(f, path, entries[1][0], entries[1][1] + 1)
    open(path, 'wb').write(bytes(data[:-6]))
    with pytest.raises(BadSampleError, match=rf'byte offset {entries[1][0]}.*truncated'):
        scan_offsets(path)
    with open(path, 'rb') as f, pytest.raises(BadSampleError, match='truncated') as err:
        read_record(f, path, *entries[1])
    assert err.value.paths == (f'{path}@{entries[1][0]}',)


def test_resolve_shards(tmp_path):
    for name in ('b', 'a'):
        _write(str(tmp_path / f'{name}.tfrecord'), [b'1'])
    write_index(str(tmp_path / 'a.idx'), [(0, 17)])
    shards, indexes = resolve_shards(str(tmp_path / '*.tfrecord'))
    assert shards == [str(tmp_path / 'a.tfrecord'), str(tmp_path / 'b.tfrecord')]
    assert indexes == [str(tmp_path / 'a.idx'), None]
    with pytest.raises(FileNotFoundError):
        resolve_shards(str(tmp_path / 'missing-*.tfrecord'))
    with pytest.raises(ValueError, match='2 TFRecord shards but 1 index'):
        resolve_shards(shards, [indexes[0]])


def test_scan_checks_each_length_crc_and_keeps_the_records_before(tmp_path):
    path = str(tmp_path / 'a.tfrecord')
    entries = _write(path, [b'first', b'second', b'third'])
    data = bytearray(open(path, 'rb').read())
    data[entries[1][0]] ^= 0x01  # the length of record 1 claims one byte more
    open(path, 'wb').write(bytes(data))
    with pytest.raises(ShardScanError, match=rf'byte offset {entries[1][0]}: the length CRC') \
            as err:
        scan_offsets(path)
    assert err.value.offset == entries[1][0]
    np.testing.assert_array_equal(err.value.entries, np.asarray(entries[:1]))
