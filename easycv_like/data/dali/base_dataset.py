"""``DaliBaseDataset``: what every DALI dataset shares: a reader, decode settings, seeds.

A DALI dataset is a description, not a per-item dataset: the engine wraps it in a ``DALILoader``,
which builds one pipeline per epoch through :meth:`DaliBaseDataset.build_pipeline`. Subclasses
only say which views to make (:meth:`view_specs`). Nothing here imports DALI at module level, so
``easycv_like`` imports without the optional ``[dali]`` extra; building a DALI dataset without it
fails with an install hint.
"""
import importlib
import logging
from typing import Optional

import numpy as np
import torch
from mmengine.logging import print_log

from easycv_like.data.dali.view_spec import ViewSpec
from easycv_like.data.errors import BadSampleError

DECODER_DEVICES = ('mixed', 'cpu')


def _require_dali() -> None:
    try:
        importlib.import_module('nvidia.dali')
    except ImportError as err:
        raise ImportError('DALI datasets need NVIDIA DALI: pip install -e .[dali] '
                          '(nvidia-dali-cuda120; it also runs CPU-only pipelines).') from err


def epoch_seed(seed: int, epoch: int, rank: int) -> int:
    """The DALI pipeline seed of one (seed, epoch, rank): distinct streams, 31 bits."""
    return int(np.random.SeedSequence([seed, epoch, rank]).generate_state(1)[0] & 0x7FFFFFFF)


class DaliBaseDataset:
    """Samples from a TFRecord or file-list source, decoded and augmented by DALI.

    Augmentation and order are functions of (seed, epoch): each epoch's pipeline is seeded from
    them (and the rank) and the reader's files are permuted from (seed, epoch), so epoch ``e`` is
    the same whether or not the run was interrupted before it.

    Args:
        source: a data source by its registered name and arguments (``source_names.py``):
            ``dict(type='TFRecord', shards=..., index_files=None, classes=None)`` or
            ``dict(type='ImageList', list_file=..., root=None, classes=None)``.
        decoder_device: ``'mixed'`` (nvJPEG on the GPU; the default and the fastest) or
            ``'cpu'``. ``'mixed'`` falls back to ``'cpu'`` with a warning without CUDA.
        hw_decoder_load: fraction of JPEGs sent to the hardware decoder (``'mixed'`` only);
            1.0 was fastest on an H100 (see FACTS in the docs).
        augment_device: ``'gpu'`` or ``'cpu'``; default the GPU when CUDA is available.
        num_threads: DALI CPU threads; None uses the loader's (``workers_per_gpu``).
        seed: seed of order and augmentation.
        shuffle_buffer: TFRecord samples mixed by the reader's shuffle buffer when shuffling.
        prefetch_queue_depth: batches prepared ahead.
        enable_checkpointing: make the loader able to report a mid-epoch state
            (``DALILoader.state_dict``).
    """

    #: batch ``inputs`` is a list of views (SSL) rather than one tensor (classification)
    multi_view = True

    def __init__(self, source: dict, decoder_device: str = 'mixed', hw_decoder_load: float = 1.0,
                 augment_device: Optional[str] = None, num_threads: Optional[int] = None,
                 seed: int = 0, shuffle_buffer: int = 4096, prefetch_queue_depth: int = 2,
                 enable_checkpointing: bool = False) -> None:
        _require_dali()
        from easycv_like.data.dali.readers import build_reader  # needs DALI (optional extra)
        if decoder_device not in DECODER_DEVICES:
            raise ValueError(f'decoder_device must be one of {DECODER_DEVICES}, got '
                             f'{decoder_device!r}.')
        cuda = torch.cuda.is_available()
        if decoder_device == 'mixed' and not cuda:
            print_log("DALI decoder_device='mixed' needs CUDA, which is not available: "
                      "decoding on the CPU instead.", logger='current', level=logging.WARNING)
            decoder_device = 'cpu'
        if augment_device not in (None, 'gpu', 'cpu'):
            raise ValueError(f"augment_device must be 'gpu', 'cpu' or None, got "
                             f'{augment_device!r}.')
        if augment_device == 'cpu' and decoder_device == 'mixed':
            raise ValueError("decoder_device='mixed' leaves images on the GPU: augment_device="
                             "'cpu' needs decoder_device='cpu'.")
        if augment_device == 'gpu' and not cuda:
            print_log("DALI augment_device='gpu' needs CUDA: augmenting on the CPU instead.",
                      logger='current', level=logging.WARNING)
        self.reader = build_reader(source)
        self.decoder_device = decoder_device
        self.augment_device = 'gpu' if cuda and augment_device != 'cpu' else 'cpu'
        self.hw_decoder_load = float(hw_decoder_load)
        self.num_threads = num_threads
        self.seed = int(seed)
        self.shuffle_buffer = int(shuffle_buffer)
        self.prefetch_queue_depth = int(prefetch_queue_depth)
        self.enable_checkpointing = bool(enable_checkpointing)

    @property
    def metainfo(self) -> dict:
        """``{'classes': list of names or None}``, plain Python values."""
        classes = self.reader.classes
        return {'classes': None if classes is None else [str(name) for name in classes]}

    def __len__(self) -> int:
        return self.reader.num_samples

    def view_specs(self) -> list[ViewSpec]:
        """The views each sample becomes, in output order."""
        raise NotImplementedError

    @property
    def uses_gpu(self) -> bool:
        """Whether the pipeline needs a CUDA device."""
        return self.decoder_device == 'mixed' or self.augment_device == 'gpu'

    def output_names(self) -> list[str]:
        """Names of the pipeline outputs: the views, then the reader's metadata."""
        return [f'view{i}' for i in range(len(self.view_specs()))] + list(self.reader.outputs)

    def build_pipeline(self, batch_size: int, num_threads: int, shard_id: int, num_shards: int,
                       shuffle: bool, epoch: int, checkpoint: Optional[bytes] = None):
        """The built DALI pipeline of one epoch on one rank (see ``pipelines.build_pipeline``)."""
        from easycv_like.data.dali.pipelines import build_pipeline  # needs DALI
        return build_pipeline(
            self.reader, self.view_specs(), batch_size=batch_size,
            num_threads=self.num_threads or num_threads,
            device_id=torch.cuda.current_device() if self.uses_gpu else None,
            seed=epoch_seed(self.seed, epoch, shard_id), shard_id=shard_id,
            num_shards=num_shards, order=self._order(shuffle, epoch),
            shuffle_buffer=self.shuffle_buffer if shuffle else 0,
            decoder_device=self.decoder_device, hw_decoder_load=self.hw_decoder_load,
            augment_device=self.augment_device, prefetch_queue_depth=self.prefetch_queue_depth,
            enable_checkpointing=self.enable_checkpointing, checkpoint=checkpoint)

    def _order(self, shuffle: bool, epoch: int) -> Optional[np.ndarray]:
        """The permutation of the reader's units in ``epoch`` (None: stored order)."""
        return (np.random.default_rng([self.seed, epoch]).permutation(self.reader.num_units())
                if shuffle else None)

    def unreadable_files(self, shuffle: bool, epoch: int, shard_id: int, num_shards: int,
                         first: int, count: int) -> list[str]:
        """Why each unusable image file is unusable, among the ``count`` files this rank reads
        from position ``first`` of an epoch: DALI's decoder fails some files (a text or HTML file
        named ``.jpg``) without naming them. Checked as ``LoadImage`` reads them."""
        from easycv_like.data.transforms.loading import decode_image
        problems = []
        files = self.reader.files_read(self._order(shuffle, epoch), shard_id, num_shards)
        for path in files[first:first + count]:
            try:
                with open(path, 'rb') as f:
                    decode_image(f.read(), path)
            except (OSError, BadSampleError) as err:
                problems.append(str(err))
        return problems

    def to_batch(self, outputs: dict) -> dict:
        """Pipeline outputs (name -> torch tensor) -> ``{'inputs', 'data_samples'}``."""
        views = [outputs[f'view{i}'] for i in range(len(self.view_specs()))]
        return {'inputs': views if self.multi_view else views[0],
                'data_samples': self.reader.data_samples(outputs)}
