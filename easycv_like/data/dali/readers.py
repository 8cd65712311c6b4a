"""Where a DALI pipeline's samples come from: TFRecord shards, or image files from a list or a
class-folder tree.

A reader describes its data on the host (sample count, class names), adds DALI's reader operator
to a pipeline (sharded by rank, shuffled per epoch), and turns the per-sample metadata that comes
out of the pipeline into the ``data_samples`` of a batch (``gt_label``, ``sample_idx``,
``img_path``). Sharding: rank ``r`` of ``R`` reads the contiguous ``r``-th of ``R`` ranges of the
(epoch-permuted) sample sequence, so ranks are disjoint and together cover every sample.
"""
import inspect
from collections.abc import Sequence
from typing import Optional, Union

import numpy as np
import torch
from nvidia.dali import fn
from nvidia.dali import tfrecord as tfrec

from easycv_like.data.sources.image_folder import IMAGE_EXTENSIONS, ImageFolder
from easycv_like.data.sources.image_list import ImageList
from easycv_like.data.tfrecord.example import FILENAME_KEY, IMAGE_KEY, INDEX_KEY, LABEL_KEY
from easycv_like.data.tfrecord.record_file import (index_path_for, read_checked_index,
                                                   resolve_shards)
from easycv_like.data.tfrecord.shard_classes import shard_set_classes
from easycv_like.errors import ConfigError
from easycv_like.source_names import DALI_SOURCES, source_name

READER_NAME = 'Reader'  # the iterator finds the epoch size and padding through this name


class TFRecordReader:
    """The ``TFRecord`` source's shards (same arguments), read by ``fn.readers.tfrecord``, which
    needs each shard's ``.idx`` file; each index is checked against its shard's size at start-up.

    Shuffling permutes the order of the shard files per epoch (the same on every rank) and mixes
    records in a buffer of ``shuffle_buffer`` samples; records stored sorted by class therefore
    need many shards or a shuffled conversion (``--shuffle-seed``).

    Args:
        shards: glob pattern or list of shard paths.
        index_files: one index per shard; default each shard's ``.idx`` neighbour.
        classes: class names (list or text file); default: the ``classes.txt`` beside the
            shards, else None. One that differs from that file is refused (``shard_set_classes``).
    """

    outputs = ('label', 'index', 'path')

    def __init__(self, shards: Union[str, Sequence[str]],
                 index_files: Optional[Sequence[str]] = None,
                 classes: Union[Sequence[str], str, None] = None) -> None:
        self.shards, indexes = resolve_shards(shards, index_files)
        missing = [index_path_for(s) for s, i in zip(self.shards, indexes) if i is None]
        if missing:
            raise FileNotFoundError(f'DALI needs an index file per TFRecord shard; missing: '
                                    f'{missing[:3]}... Write them with tools/convert_to_tfrecord'
                                    '.py or `python -m tfrecord.tools.tfrecord2idx`.')
        self.index_files = list(indexes)
        self.num_samples = sum(len(read_checked_index(s, i))
                               for s, i in zip(self.shards, self.index_files))
        self.classes, self.class_origin = shard_set_classes(self.shards, classes)

    def read(self, shard_id: int, num_shards: int, order: Optional[np.ndarray],
             shuffle_buffer: int) -> tuple:
        """Add the reader: (encoded images, dict of per-sample metadata nodes)."""
        order = np.arange(len(self.shards)) if order is None else order
        records = fn.readers.tfrecord(
            path=[self.shards[i] for i in order], index_path=[self.index_files[i] for i in order],
            features={IMAGE_KEY: tfrec.FixedLenFeature((), tfrec.string, ''),
                      LABEL_KEY: tfrec.FixedLenFeature([1], tfrec.int64, -1),
                      INDEX_KEY: tfrec.FixedLenFeature([1], tfrec.int64, -1),
                      FILENAME_KEY: tfrec.FixedLenFeature((), tfrec.string, '')},
            shard_id=shard_id, num_shards=num_shards, pad_last_batch=True,
            random_shuffle=shuffle_buffer > 0, initial_fill=max(shuffle_buffer, 1),
            name=READER_NAME)
        return records[IMAGE_KEY], {'label': records[LABEL_KEY], 'index': records[INDEX_KEY],
                                    'path': fn.pad(records[FILENAME_KEY], fill_value=0)}

    def num_units(self) -> int:
        """How many units an epoch permutation reorders (the shard files)."""
        return len(self.shards)

    def files_read(self, order: Optional[np.ndarray], shard_id: int,
                   num_shards: int) -> list[str]:
        """No image files: DALI's own errors name the shard (``verify_tfrecord.py`` checks it)."""
        return []

    @staticmethod
    def data_samples(outputs: dict) -> dict:
        """Batch metadata from the pipeline outputs (file names arrive zero-padded bytes)."""
        names = outputs['path'].numpy()
        return {'gt_label': outputs['label'].view(-1).long(),
                'sample_idx': outputs['index'].view(-1).long(),
                'img_path': [row.tobytes().rstrip(b'\0').decode('utf-8', 'replace')
                             for row in names]}


class FileListReader:
    """The ``ImageList`` source's image files (same arguments), read by ``fn.readers.file``.

    The pipeline carries only each sample's index; labels and paths are looked up on the host.
    Shuffling permutes the whole list per epoch (the same on every rank), a global shuffle.

    Args:
        list_file: ``relative/path [label]`` lines (see ``ImageList``).
        root: folder the paths are relative to; default the list's folder.
        classes: class names (list or text file), or None.
    """

    outputs = ('index',)

    def __init__(self, list_file: str, root: Optional[str] = None,
                 classes: Union[Sequence[str], str, None] = None) -> None:
        self._take(ImageList(list_file, root=root, classes=classes))

    def _take(self, source) -> None:
        """Keep the files and labels of a CPU source whose items have ``img_path``."""
        samples = [source[i] for i in range(len(source))]
        self.paths = [s['img_path'] for s in samples]
        self.labels = torch.tensor([s['gt_label'] for s in samples], dtype=torch.long)
        self.num_samples = len(samples)
        self.classes = source.classes
        self.class_origin = source.class_origin

    def read(self, shard_id: int, num_shards: int, order: Optional[np.ndarray],
             shuffle_buffer: int) -> tuple:
        """Add the reader: (encoded images, dict of per-sample metadata nodes)."""
        order = np.arange(self.num_samples) if order is None else order
        encoded, index = fn.readers.file(files=[self.paths[i] for i in order],
                                         labels=[int(i) for i in order], shard_id=shard_id,
                                         num_shards=num_shards, pad_last_batch=True,
                                         name=READER_NAME)
        return encoded, {'index': index}

    def num_units(self) -> int:
        """How many units an epoch permutation reorders (the samples)."""
        return self.num_samples

    def files_read(self, order: Optional[np.ndarray], shard_id: int,
                   num_shards: int) -> list[str]:
        """The image files rank ``shard_id`` reads in an epoch, in reading order (DALI's shard
        ``[N * shard_id // num_shards, N * (shard_id + 1) // num_shards)`` of the ordered list)."""
        order = np.arange(self.num_samples) if order is None else order
        first, end = (self.num_samples * k // num_shards for k in (shard_id, shard_id + 1))
        return [self.paths[i] for i in order[first:end]]

    def data_samples(self, outputs: dict) -> dict:
        """Batch metadata: labels and paths looked up by the sample indices."""
        index = outputs['index'].view(-1).long()
        return {'gt_label': self.labels[index], 'sample_idx': index,
                'img_path': [self.paths[i] for i in index.tolist()]}


class FolderReader(FileListReader):
    """The ``ImageFolder`` source's images (same arguments: ``root/<class>/.../<image>``), read
    as ``FileListReader`` reads a list.

    Args:
        root: the folder of class sub-folders.
        extensions: file endings taken (case-insensitive).
        classes: class names (list, text file or the training split's folder); default the
            sorted sub-folders of ``root``.
    """

    def __init__(self, root: str, extensions: Sequence[str] = IMAGE_EXTENSIONS,
                 classes: Union[Sequence[str], str, None] = None) -> None:
        self._take(ImageFolder(root, extensions=extensions, classes=classes))


READERS = {'TFRecord': TFRecordReader, 'ImageList': FileListReader,  # by DATA_SOURCES name
           'ImageFolder': FolderReader}


def build_reader(cfg: dict):
    """``dict(type='TFRecord' | 'ImageList' | 'ImageFolder', **the source's arguments)`` -> a
    reader.

    The types and arguments are the CPU data sources' (``data/sources``); the former spellings
    ``'tfrecord'``, ``'file_list'`` and ``'folder'`` are still accepted.

    Raises:
        ConfigError: an unknown type, or an argument that source does not take (both named).
    """
    cfg = dict(cfg)
    kind = cfg.pop('type', None)
    try:
        kind = source_name(kind, DALI_SOURCES, 'DALI source type')
    except ValueError as err:
        raise ConfigError(f'source.type: {err}') from None
    known = inspect.signature(READERS[kind]).parameters
    unknown = [key for key in cfg if key not in known]
    if unknown:
        raise ConfigError(f'source: {kind!r} takes no argument {unknown} (it takes '
                          f'{list(known)}; shards are read by TFRecord, list files by '
                          'ImageList, class folders by ImageFolder).')
    return READERS[kind](**cfg)
