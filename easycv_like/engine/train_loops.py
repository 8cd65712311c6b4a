"""Training loops that resume mid-epoch by index instead of replaying consumed batches.

mmengine's loops restart an interrupted epoch at batch 0 (epoch-based) or load and drop every
batch already trained (iteration-based). Ours tell the sampler to start at the first unseen
index, so a resumed run sees exactly the samples an uninterrupted one would, at no data cost.
"""
import contextlib
import logging

from mmengine.logging import print_log
from mmengine.runner import EpochBasedTrainLoop, IterBasedTrainLoop
from mmengine.runner.loops import _InfiniteDataloaderIterator

from .. import config_path
from ..errors import ConfigError
from ..registry import LOOPS
from .preemptible_batches import preemptible_batches


def check_has_batches(dataloader) -> None:
    """Refuse a training loader that gives no batch (a training set smaller than one batch
    with ``drop_last``): an epoch would have no step, and the learning-rate schedule, counted
    in iterations of 0-iteration epochs, failed with an unrelated message."""
    if len(dataloader):
        return
    sampler = getattr(dataloader, 'sampler', None)
    mine = len(sampler) if hasattr(sampler, '__len__') else len(dataloader.dataset)
    batch = dataloader.batch_size or getattr(dataloader.batch_sampler, 'batch_size', None)
    raise ConfigError(
        f'The training data gives no batch: data.train has {len(dataloader.dataset)} samples '
        f'({mine} for this process), fewer than data.imgs_per_gpu={batch}, and data.drop_last='
        'True drops the short batch. Lower data.imgs_per_gpu or add images.')


def _skip_to(dataloader, epoch: int, batches_done: int) -> None:
    """Select ``epoch`` and make the next pass start after ``batches_done`` batches."""
    # under a batch sampler (batch_size None) it is the one that skips, counting batches
    by_batch = dataloader.batch_size is None
    sampler = dataloader.batch_sampler if by_batch else dataloader.sampler
    count = batches_done if by_batch else batches_done * dataloader.batch_size
    if hasattr(sampler, 'set_epoch'):
        sampler.set_epoch(epoch)
    if batches_done and not hasattr(sampler, 'skip'):
        raise TypeError(f'{type(sampler).__name__} cannot resume mid-epoch; use the '
                        'EpochIndexSampler (the default) or resume at an epoch boundary.')
    if batches_done:
        sampler.skip(count)
        print_log(f'Resuming epoch {epoch} at batch {batches_done}: the first '
                  f'{count} {"batches" if by_batch else "samples"} of this rank are skipped '
                  'by index, not loaded.', logger='current', level=logging.INFO)


def _train_data(dataloader) -> contextlib.AbstractContextManager:
    """The loop builds its loader: a ``ConfigError`` raised then names ``data.train``."""
    dataset = dataloader.get('dataset') if isinstance(dataloader, dict) else None
    return config_path.entry('data.train', dataset)


@LOOPS.register_module()
class ResumableEpochBasedTrainLoop(EpochBasedTrainLoop):
    """mmengine's epoch loop; after a mid-epoch resume it continues at the next batch."""

    def __init__(self, runner, dataloader, *args, **kwargs) -> None:
        with _train_data(dataloader):
            super().__init__(runner, dataloader, *args, **kwargs)
        check_has_batches(self.dataloader)

    def run_epoch(self) -> None:
        self.runner.call_hook('before_train_epoch')
        self.runner.model.train()
        start = self._iter - self._epoch * len(self.dataloader)
        if start > 0:
            _skip_to(self.dataloader, self._epoch, start)
        batches = preemptible_batches(self.runner, self.dataloader)
        for idx, data_batch in enumerate(batches, start=max(start, 0)):
            self.run_iter(idx, data_batch)
        self.runner.call_hook('after_train_epoch')
        self._epoch += 1


@LOOPS.register_module()
class ResumableIterBasedTrainLoop(IterBasedTrainLoop):
    """mmengine's iteration loop; a resumed run positions the sampler instead of replaying."""

    def __init__(self, runner, dataloader, *args, **kwargs) -> None:
        with _train_data(dataloader):
            super().__init__(runner, dataloader, *args, **kwargs)
        check_has_batches(self.dataloader)

    def _position_data(self) -> None:
        epoch, batches_done = divmod(self._iter, len(self.dataloader))
        _skip_to(self.dataloader, epoch, batches_done)
        self.dataloader_iterator = _InfiniteDataloaderIterator(self.dataloader)
        self.dataloader_iterator._epoch = epoch

    def run(self):
        self.runner.call_hook('before_train')
        self.runner.call_hook('before_train_epoch')
        if self._iter > 0:
            self._position_data()
        batches = preemptible_batches(self.runner, self.dataloader_iterator)
        while self._iter < self._max_iters and not self.stop_training:
            self.runner.model.train()
            self.run_iter(next(batches))
            self._decide_current_val_interval()
            if (self.runner.val_loop is not None and self._iter >= self.val_begin
                    and (self._iter % self.val_interval == 0 or self._iter == self._max_iters)):
                self.runner.val_loop.run()
        self.runner.call_hook('after_train_epoch')
        self.runner.call_hook('after_train')
        return self.runner.model
