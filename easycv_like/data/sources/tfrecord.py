"""``TFRecord``: a classification data source read from sharded TFRecord files, on the CPU.

The files our converter (``tools/convert_to_tfrecord.py``) writes, or any ImageNet-style TFRecord
set with ``image/encoded`` + ``image/class/label`` features. Each ``.idx`` index gives the byte
offset of every record, so item ``i`` is one seek and one read: the source works with any sampler,
in any order, in any DataLoader worker (files are opened per read, so forked workers share no
file handle).

Distributed reading: under ``EpochIndexSampler`` each rank asks only for its own indices, so each
rank reads about ``1 / world_size`` of the bytes of every shard; no file is assigned to a rank.
"""
import logging
from collections.abc import Sequence
from typing import Optional, Union

import numpy as np
from mmengine.logging import print_log

from easycv_like.data.errors import BadSampleError
from easycv_like.data.tfrecord.example import decode_example
from easycv_like.data.tfrecord.record_file import (ShardScanError, read_checked_index,
                                                   read_record, record_place, resolve_shards,
                                                   scan_offsets)
from easycv_like.data.tfrecord.shard_classes import shard_set_classes
from easycv_like.data.transforms.loading import decode_image
from easycv_like.registry import DATA_SOURCES


@DATA_SOURCES.register_module()
class TFRecord:
    """Images and labels stored in TFRecord shards, decoded with OpenCV.

    Item ``i`` is the ``i``-th record counting over the shards in order:
    ``{'img': H x W x 3 uint8 RGB, 'gt_label': int, 'img_path': the stored file name}``.

    Args:
        shards: a glob pattern (``'data/in1k/train-*.tfrecord'``, expanded and sorted) or a list
            of shard paths.
        index_files: one ``.idx`` file per shard; default: each shard's ``.idx`` neighbour, and a
            shard without one is scanned once at start-up (with a warning). A scan that meets a
            corrupt record length or a cut stops there: the records before it are read, and the
            damaged rest is one bad item at the end of that shard, named by its byte offset.
        classes: class names, as a list or a text file with one name a line; default: the
            ``classes.txt`` the converter wrote beside the shards, else None (unknown).

    Raises:
        FileNotFoundError: no shard matches ``shards``, or a globbed ``-of-N`` set misses shards.
        ValueError: an ``.idx`` does not describe its shard (other size: a cut copy, a stale
            index); checked at start-up.
        ClassMismatchError: ``classes`` differs from the ``classes.txt`` beside the shards.
        BadSampleError: (from ``__getitem__``) a record is truncated, fails its CRC, is not an
            Example, or holds an undecodable image; the message names the file, the record's
            number in it, its byte offset, and the image's original file name.
    """

    def __init__(self, shards: Union[str, Sequence[str]],
                 index_files: Optional[Sequence[str]] = None,
                 classes: Union[Sequence[str], str, None] = None) -> None:
        self.shards, indexes = resolve_shards(shards, index_files)
        self.classes, self.class_origin = shard_set_classes(self.shards, classes)
        tables = []
        self._unframed: dict[int, str] = {}  # item index -> why the rest of its shard is lost
        for shard, index in zip(self.shards, indexes):
            if index is None:
                print_log(f'TFRecord shard {shard} has no .idx index: scanning it (write indexes '
                          'with tools/convert_to_tfrecord.py or tfrecord.tools.tfrecord2idx).',
                          logger='current', level=logging.WARNING)
            tables.append(read_checked_index(shard, index) if index is not None
                          else self._scan(shard, tables))
        self._records = np.concatenate(tables)  # N x 2: (offset, size) of every record
        self._shard_of = np.repeat(np.arange(len(tables), dtype=np.int32),
                                   [len(t) for t in tables])
        self._first = np.cumsum([0] + [len(t) for t in tables])  # first item of each shard

    def _scan(self, shard: str, tables: list) -> np.ndarray:
        """The records of a shard without index; damage that stops the walk becomes one last,
        bad item (so the bad-sample policy decides), and the records before it stay readable."""
        try:
            return scan_offsets(shard)
        except ShardScanError as err:
            print_log(f'{err} Reading the {len(err.entries)} records before it; the rest of the '
                      'shard counts as one bad sample.', logger='current', level=logging.WARNING)
            self._unframed[sum(len(t) for t in tables) + len(err.entries)] = str(err)
            return np.concatenate([err.entries, [[err.offset, 0]]])

    def __len__(self) -> int:
        return len(self._records)

    def __getitem__(self, index: int) -> dict:
        shard = int(self._shard_of[index])
        path, number = self.shards[shard], int(index - self._first[shard])
        offset, size = (int(v) for v in self._records[index])
        key = f'{path}@{offset}'
        if index in self._unframed:
            raise BadSampleError(self._unframed[index], [key])
        with open(path, 'rb') as f:
            payload = read_record(f, path, offset, size, record=number)
        where = record_place(path, offset, number)
        try:
            record = decode_example(payload)
        except ValueError as err:
            raise BadSampleError(f'Bad TFRecord {where}: {err}.', [key]) from err
        try:
            img = decode_image(record['image'], key)
        except BadSampleError as err:
            stored = f' (stored from {record["filename"]!r})' if record['filename'] else ''
            raise BadSampleError(f'Bad image in TFRecord {where}{stored}: {err}',
                                 [key]) from err
        return {'img': img, 'gt_label': record['label'], 'img_path': record['filename']}
