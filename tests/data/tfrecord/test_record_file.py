"""TFRecord framing, CRC checks and index files."""
import numpy as np
import pytest

from easycv_like.data.errors import BadSampleError
from easycv_like.data.tfrecord import frame_record, read_record, resolve_shards, scan_offsets
from easycv_like.data.tfrecord.record_file import (ShardScanError, check_shard_set,
                                                   read_checked_index, write_index)


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


def test_a_globbed_shard_set_must_be_whole(tmp_path):
    def make(*names):
        for name in names:
            _write(str(tmp_path / f'{name}.tfrecord'), [b'1'])
    make('train-00000-of-00003', 'train-00002-of-00003', 'val-00000-of-00001', 'extra')
    with pytest.raises(FileNotFoundError, match=r"1 of 3 shards are missing, e\.g\. \['.*"
                       r"train-00001-of-00003\.tfrecord'\]"):
        resolve_shards(str(tmp_path / '*.tfrecord'))
    shards, _ = resolve_shards(str(tmp_path / 'val-*.tfrecord'))  # a whole set on its own
    assert len(shards) == 1
    check_shard_set([str(tmp_path / 'extra.tfrecord')])  # names of another form: not checked
    resolve_shards([str(tmp_path / 'train-00000-of-00003.tfrecord')])  # a list is deliberate
    make('train-00001-of-00003', 'train-00000-of-00002')
    with pytest.raises(ValueError, match=r"mix sets of \[2, 3\] shards"):
        resolve_shards(str(tmp_path / 'train-*.tfrecord'))


def test_index_must_describe_its_shard_exactly(tmp_path):
    path, index = str(tmp_path / 'a.tfrecord'), str(tmp_path / 'a.idx')
    entries = _write(path, [b'first', b'second record'])
    write_index(index, entries)
    np.testing.assert_array_equal(read_checked_index(path, index), np.asarray(entries))
    size = entries[1][0] + entries[1][1]
    write_index(index, entries[:1])  # stale: the shard has one more record
    with pytest.raises(ValueError, match=rf"1 records end at byte {entries[0][1]} but the shard "
                       rf"has {size} bytes"):
        read_checked_index(path, index)
    write_index(index, [entries[0], (entries[1][0] + 3, entries[1][1] - 3)])
    with pytest.raises(ValueError, match=rf"record 1 is at byte {entries[1][0] + 3}"):
        read_checked_index(path, index)
    write_index(index, entries)
    open(path, 'r+b').truncate(size - 1)  # a cut copy
    with pytest.raises(ValueError, match=rf"'{index}' does not describe shard '{path}'"):
        read_checked_index(path, index)


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
