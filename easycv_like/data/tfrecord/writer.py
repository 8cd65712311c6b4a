"""``convert_to_tfrecord``: write a data source as sharded TFRecord files with ``.idx`` indexes.

Samples keep the source's order (shard ``i`` holds a contiguous range), unless a shuffle seed is
given. What each record stores is decided in ``image_encoding.py`` (plain JPEGs byte for byte,
everything else re-encoded). Every image is checked (complete container, decodes) before
anything is published: shards are written under temporary names and renamed only when all
samples were good, otherwise the bad files are listed in the error.
"""
import glob
import multiprocessing
import os
from collections.abc import Iterator
from typing import Any, Optional

import numpy as np
from mmengine.utils import ProgressBar

from easycv_like.data.errors import BadSampleError
from easycv_like.data.sources.cifar import Cifar
from easycv_like.data.sources.image_folder import ImageFolder
from easycv_like.data.sources.image_list import ImageList
from easycv_like.data.tfrecord.example import encode_example
from easycv_like.data.tfrecord.image_encoding import prepare_image
from easycv_like.data.tfrecord.record_file import frame_record, write_index
from easycv_like.data.tfrecord.shard_classes import CLASSES_FILE
from easycv_like.source_names import CONVERTIBLE_SOURCES, source_name

SOURCE_TYPES = CONVERTIBLE_SOURCES  # the data sources' registered names


def open_source(src_type: str, src: str, root: Optional[str] = None, split: str = 'train',
                classes: Optional[str] = None):
    """Build the data source to convert.

    Args:
        src_type: a source's registered name: ``'ImageList'`` (a list file), ``'ImageFolder'`` (a
            class-folder tree) or ``'Cifar'`` (the CIFAR python batches folder); the former
            ``'list'``, ``'folder'``, ``'cifar'`` are accepted too.
        src: the list file or the folder.
        root: folder the list's paths are relative to (``'ImageList'`` only; default its folder).
        split: ``'train'`` or ``'test'`` (``'Cifar'`` only).
        classes: class-name file of the list, or for a folder the class list (a file, or the
            training split's folder) so a val split keeps the training labels; written to
            ``classes.txt``.
    """
    kind = source_name(src_type, SOURCE_TYPES)
    if kind == 'ImageList':
        return ImageList(src, root=root, classes=classes)
    if kind == 'ImageFolder':
        return ImageFolder(src, classes=classes)
    return Cifar(src, split=split)


def shard_paths(out_dir: str, prefix: str, num_shards: int) -> list[str]:
    """``out_dir/{prefix}-{i:05d}-of-{num_shards:05d}.tfrecord`` for every shard ``i``."""
    return [os.path.join(out_dir, f'{prefix}-{i:05d}-of-{num_shards:05d}.tfrecord')
            for i in range(num_shards)]


def _prepare_task(task: tuple[dict, Optional[int]]) -> tuple[Optional[bytes], str]:
    return prepare_image(*task)


def _record_name(sample: dict, source: Any, position: int) -> str:
    path = sample.get('img_path')
    if not path:
        return f'{position:08d}'
    root = getattr(source, 'root', None)
    return os.path.relpath(path, root) if root else os.path.basename(path)


def _existing_outputs(out_dir: str, prefix: str) -> list[str]:
    pattern = os.path.join(out_dir, f'{prefix}-[0-9][0-9][0-9][0-9][0-9]-of-[0-9]*')
    return sorted(p for p in glob.glob(pattern) if p.endswith(('.tfrecord', '.idx')))


def _check_classes_file(out_dir: str, prefix: str, classes_text: Optional[str],
                        force: bool) -> None:
    """Refuse to change the ``classes.txt`` of ``out_dir`` when the readers would apply the new
    list to shards it does not describe: another prefix's (even with ``force``: the file is
    shared by every set of the folder) or, without ``force``, this prefix's old ones."""
    path = os.path.join(out_dir, CLASSES_FILE)
    if not os.path.isfile(path):
        return
    with open(path, encoding='utf-8') as f:
        if f.read() == (classes_text or ''):
            return
    others = sorted({os.path.basename(p).rsplit('-', 3)[0] for p in glob.glob(
        os.path.join(out_dir, '*-[0-9][0-9][0-9][0-9][0-9]-of-[0-9]*.tfrecord'))} - {prefix})
    new = 'other class names' if classes_text else 'no class names'
    if others:
        raise FileExistsError(
            f'{path!r} holds the class list of the {others} shards in {out_dir!r}, and this '
            f'{prefix!r} set has {new}: their labels would be read with the wrong names. Convert '
            "with the training split's class list (--classes <training folder or its "
            'classes.txt>) so every split shares it, or write into another --out.')
    if not force:
        raise FileExistsError(f'{path!r} exists with other class names; pass force=True '
                              '(--force) to replace it.')


def _prepared(source: Any, order: np.ndarray, max_side: Optional[int], lossless: bool,
              workers: int) -> Iterator[tuple[dict, tuple[Optional[bytes], str]]]:
    """(sample, prepared image) in ``order``; a process pool encodes when ``workers > 0``.

    The pool gets blocks of samples so memory stays bounded on ImageNet-sized sources.
    """
    if workers <= 0:
        for i in order:
            sample = source[int(i)]
            yield sample, prepare_image(sample, max_side, lossless)
        return
    block = 512 * workers
    # spawn, not fork: a fork of a process that runs other threads (loaders, servers, torch's
    # pools) can copy a held lock into the child, which then waits for ever
    with multiprocessing.get_context('spawn').Pool(workers) as pool:
        for start in range(0, len(order), block):
            tasks = [(source[int(i)], max_side, lossless) for i in order[start:start + block]]
            results = pool.imap(_prepare_task, tasks, chunksize=16)
            yield from ((sample, result) for (sample, *_), result in zip(tasks, results))


def _publish(paths: list[str], existing: list[str], out_dir: str,
             classes_text: Optional[str]) -> None:
    """Replace the old outputs by the written ``.part`` files, and write (or, for a source
    without class names, remove) ``classes.txt``."""
    for old in existing:
        os.remove(old)
    for path in paths:
        os.replace(path + '.part', path)
        os.replace(path + '.idx.part', path[:-len('.tfrecord')] + '.idx')
    classes_file = os.path.join(out_dir, CLASSES_FILE)
    if classes_text:
        with open(classes_file, 'w', encoding='utf-8') as f:
            f.write(classes_text)
    elif os.path.isfile(classes_file):  # an old set's names; no reader may apply them here
        os.remove(classes_file)


def convert_to_tfrecord(source: Any, out_dir: str, prefix: str = 'train', num_shards: int = 1,
                        max_side: Optional[int] = None, lossless: bool = False,
                        workers: int = 0, force: bool = False,
                        shuffle_seed: Optional[int] = None, progress: bool = True) -> list[str]:
    """Write every sample of ``source`` into ``num_shards`` TFRecord files plus ``.idx`` indexes.

    Record ``k`` (counting over all shards) holds sample ``order[k]`` of the source: the source
    order, or a permutation drawn from ``shuffle_seed``. Shard ``i`` holds records
    ``[k_i, k_{i+1})`` with ``k_i = i * N // num_shards``. Each record has ``image/encoded``,
    ``image/class/label``, ``image/filename`` (relative to the source root) and ``image/index``
    (``k``). ``classes.txt`` is written beside the shards when the source knows its classes
    (the readers take their class names from it).

    Args:
        source: a data source (``__len__``, ``__getitem__`` -> ``img_path`` or ``img``,
            ``gt_label``), e.g. from :func:`open_source`.
        out_dir: output folder (created).
        prefix: shard name prefix, e.g. ``'train'`` or ``'val'``.
        num_shards: number of TFRecord files.
        max_side: shrink images whose longer side exceeds this (re-encoding them); None keeps
            sizes.
        lossless: store re-encoded images (all but plain JPEGs) as PNG, exactly ``LoadImage``'s
            pixels, instead of JPEG quality 95 (smaller, and decoded on the GPU by DALI).
        workers: processes that read, check and encode images (0: this process).
        force: replace existing ``{prefix}-*`` shards and a different ``classes.txt`` (never one
            that shards of another prefix in ``out_dir`` share).
        shuffle_seed: write the samples in a random order drawn from this seed. Recommended for
            class-sorted sources read by DALI, whose shuffle buffer only mixes nearby records.
        progress: show a progress bar.

    Returns:
        The shard paths.

    Raises:
        FileExistsError: outputs exist and ``force`` is False.
        BadSampleError: some images are unusable (all are named); nothing is written then.
    """
    num_samples = len(source)
    if num_shards < 1 or num_samples < num_shards:
        raise ValueError(f'Need 1 <= num_shards <= number of samples ({num_samples}), got '
                         f'{num_shards}.')
    os.makedirs(out_dir, exist_ok=True)
    existing = _existing_outputs(out_dir, prefix)
    classes = getattr(source, 'classes', None)
    classes_text = ''.join(f'{name}\n' for name in classes) if classes else None
    if existing and not force:
        raise FileExistsError(f'{len(existing)} {prefix!r} TFRecord files already exist in '
                              f'{out_dir!r} (e.g. {existing[0]}); pass force=True '
                              '(--force) to replace them.')
    _check_classes_file(out_dir, prefix, classes_text, force)
    order = (np.arange(num_samples) if shuffle_seed is None
             else np.random.default_rng(shuffle_seed).permutation(num_samples))
    paths = shard_paths(out_dir, prefix, num_shards)
    bounds = [num_samples * i // num_shards for i in range(num_shards + 1)]
    bad: list[str] = []
    bar = ProgressBar(num_samples) if progress else None
    bar_step = max(1, num_samples // 100)
    shard, out, entries = -1, None, []
    try:
        for position, (sample, (image, why)) in enumerate(_prepared(source, order, max_side,
                                                                    lossless, workers)):
            if bar is not None and (position + 1) % bar_step == 0:
                bar.update(bar_step)
            if image is None:
                bad.append(f'{sample.get("img_path") or position}: {why}')
                continue
            if bad:
                continue  # keep checking, write nothing more
            if position == bounds[shard + 1]:
                if out is not None:
                    out.close()
                    write_index(paths[shard] + '.idx.part', entries)
                shard, entries = shard + 1, []
                out = open(paths[shard] + '.part', 'wb')
            record = frame_record(encode_example(image, int(sample.get('gt_label', -1)),
                                                 _record_name(sample, source, position),
                                                 position))
            entries.append((out.tell(), len(record)))
            out.write(record)
        if out is not None:
            out.close()
            write_index(paths[shard] + '.idx.part', entries)
        if bad:
            raise BadSampleError(f'{len(bad)} of {num_samples} images are unusable; nothing was '
                                 'written. Fix or remove them:\n  ' + '\n  '.join(bad),
                                 [entry.split(': ')[0] for entry in bad])
        _publish(paths, existing, out_dir, classes_text)
    finally:
        if out is not None and not out.closed:
            out.close()
        for leftover in glob.glob(os.path.join(out_dir, f'{prefix}-*.part')):
            os.remove(leftover)
        if bar is not None:
            print()
    return paths
