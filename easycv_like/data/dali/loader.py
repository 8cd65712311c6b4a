"""``DALILoader``: a DALI dataset's pipeline behind the interface of a PyTorch DataLoader.

mmengine's Runner takes a ready loader only if it is a ``torch.utils.data.DataLoader``, and then
uses ``len()``, iteration, ``.dataset.metainfo``, ``.sampler.set_epoch`` and ``.batch_size``. The
loader subclasses DataLoader for that check (with no worker processes: DALI has its own threads)
and overrides iteration: every epoch builds the pipeline of (seed, epoch, rank), so the data of an
epoch does not depend on what ran before it, and yields batches in the data contract's structure
``{'inputs': N x C x H x W uint8 (a list per view for SSL), 'data_samples': {'gt_label':
LongTensor N, 'sample_idx': LongTensor N, 'img_path': list of str}}`` on the pipeline's device
(the GPU for ``mixed`` decoding or GPU augmentation, else the CPU).
"""
import base64
import math
from collections.abc import Iterator
from typing import Optional

from mmengine.dist import get_dist_info
from torch.utils.data import DataLoader, Sampler

from easycv_like.data.dali.base_dataset import DaliBaseDataset


class DALIEpochSampler(Sampler):
    """The epoch counter of a ``DALILoader``, where the Runner looks for it (``.sampler``).

    DALI orders the samples itself; this object only carries the epoch (``set_epoch`` is called by
    mmengine's ``DistSamplerSeedHook`` and the training loops), a resume position (``skip``, like
    ``EpochIndexSampler``) and the per-rank length, ``ceil(N / world_size)``, read when asked
    (the process group may start after the loader).
    """

    def __init__(self, num_samples: int) -> None:
        self.num_samples = num_samples
        self.epoch = 0
        self._skip = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)

    def skip(self, num_samples: int) -> None:
        """Make the next pass start after this rank's first ``num_samples`` samples."""
        self._skip = int(num_samples)

    def take_skip(self) -> int:
        """The pending skip (then cleared): it applies to one pass only."""
        skip, self._skip = self._skip, 0
        return skip

    def __len__(self) -> int:
        return math.ceil(self.num_samples / get_dist_info()[1])

    def __iter__(self) -> Iterator[int]:
        raise TypeError('A DALILoader reads samples in the order its DALI pipeline chooses; its '
                        'sampler only carries the epoch.')


class DALILoader(DataLoader):
    """Iterate a DALI dataset batch by batch, one freshly seeded pipeline per epoch.

    ``len()`` is the number of batches per epoch on each rank: every rank reads
    ``ceil(N / world_size)`` samples (DALI pads the shorter shards), in full batches plus a last
    partial one; the padding itself is never yielded. With ``drop_last`` every rank stops after
    the full batches of the smallest shard, ``floor(N / world_size) // batch_size`` (DALI's drop
    policy), so the ranks stay in step.

    Resuming mid-epoch (``sampler.skip(n)``, called by the resumable training loops): the epoch's
    pipeline is rebuilt from (seed, epoch, rank) and its first ``n // batch_size`` batches are
    run and dropped, so the pass continues exactly where the interrupted one stopped; only that
    part of the current epoch is decoded again.

    Args:
        dataset: a ``DaliBaseDataset``.
        batch_size: samples per batch on each rank.
        shuffle: permute and buffer-shuffle the samples per epoch (training).
        drop_last: drop the last partial batch.
        num_threads: DALI CPU threads when the dataset does not set ``num_threads``.
    """

    def __init__(self, dataset: DaliBaseDataset, batch_size: int, shuffle: bool = True,
                 drop_last: bool = False, num_threads: int = 2) -> None:
        super().__init__(dataset, batch_size=batch_size, drop_last=drop_last,
                         sampler=DALIEpochSampler(len(dataset)))
        self.shuffle = shuffle
        self.num_threads = max(1, int(num_threads))
        self._iterator = None
        self._resume_from: Optional[dict] = None

    def __len__(self) -> int:
        if self.drop_last:
            return len(self.dataset) // get_dist_info()[1] // self.batch_size
        return math.ceil(len(self.sampler) / self.batch_size)

    def __iter__(self) -> Iterator[dict]:
        return self._epoch_batches()

    def _epoch_batches(self) -> Iterator[dict]:
        from nvidia.dali.plugin.pytorch import DALIGenericIterator, LastBatchPolicy  # optional

        from easycv_like.data.dali.readers import READER_NAME
        rank, world_size = get_dist_info()
        checkpoint, self._resume_from = self._resume_from, None
        skip_batches = self.sampler.take_skip() // self.batch_size
        if checkpoint is not None:  # the DALI state already stands mid-epoch
            self.sampler.set_epoch(checkpoint['epoch'])
            skip_batches = 0
        pipe = self.dataset.build_pipeline(
            self.batch_size, self.num_threads, shard_id=rank, num_shards=world_size,
            shuffle=self.shuffle, epoch=self.sampler.epoch,
            checkpoint=None if checkpoint is None else base64.b64decode(checkpoint['pipeline']))
        policy = LastBatchPolicy.DROP if self.drop_last else LastBatchPolicy.PARTIAL
        reached = 0  # batches the pipeline delivered
        try:
            self._iterator = DALIGenericIterator([pipe], self.dataset.output_names(),
                                                 reader_name=READER_NAME,
                                                 last_batch_policy=policy)  # runs batch 0
            for index, outputs in enumerate(self._iterator):
                reached = index + 1
                if index >= skip_batches:
                    yield self.dataset.to_batch(outputs[0])
        except RuntimeError as err:  # name the files DALI failed on, when it did not
            ahead = (self.dataset.prefetch_queue_depth + 2) * self.batch_size  # in flight
            bad = self.dataset.unreadable_files(self.shuffle, self.sampler.epoch, rank,
                                                world_size, reached * self.batch_size, ahead)
            if not bad:
                raise
            raise RuntimeError(f'DALI stopped after {reached} batches of epoch '
                               f'{self.sampler.epoch}: ' + ' '.join(bad) + ' Fix or remove '
                               'these files.') from err
        finally:
            self._iterator = None

    def state_dict(self) -> dict:
        """Where the running epoch stands: ``{'epoch', 'pipeline'}`` (DALI's checkpoint, base64).

        Needs ``enable_checkpointing=True`` on the dataset and an epoch in progress.
        """
        if self._iterator is None or not self.dataset.enable_checkpointing:
            raise RuntimeError('DALILoader.state_dict needs enable_checkpointing=True on the '
                               'dataset and an epoch in progress.')
        state = self._iterator.checkpoints()[0]
        return {'epoch': self.sampler.epoch, 'pipeline': base64.b64encode(state).decode('ascii')}

    def load_state_dict(self, state: dict) -> None:
        """Make the next iteration continue the epoch of ``state`` where it stood."""
        self._resume_from = dict(state)
