"""Refuse a resume whose epoch has a different number of iterations than the checkpoint's.

The iteration counter of a checkpoint means "this many batches of this size, on this many
processes": a resumed run skips ``iter - epoch * len(loader)`` batches into its epoch, and
epoch-based schedules are converted to iterations with the epoch length. When the dataset
length, the batch size, ``drop_last`` or the number of processes changed, both would be silently
wrong, so the run stops naming the old and new epoch lengths instead.
"""
from mmengine.hooks import Hook

from ...registry import HOOKS


class EpochLengthMismatchError(ValueError):
    """The resumed run's epoch length (or process count) differs from the checkpoint's."""


@HOOKS.register_module()
class EpochLengthCheckHook(Hook):
    """Records the epoch length and process count in the message hub (saved with every
    checkpoint); on resume, raises ``EpochLengthMismatchError`` if they changed."""

    priority = 'VERY_HIGH'

    def before_train(self, runner) -> None:
        hub = runner.message_hub
        current = dict(iters_per_epoch=len(runner.train_dataloader),
                       world_size=runner.world_size)
        saved = {key: hub.get_info(key) for key in current}
        if runner.iter > 0 and saved['iters_per_epoch'] is not None and saved != current:
            raise EpochLengthMismatchError(
                f'Cannot resume at iteration {runner.iter}: the checkpoint was written with '
                f"{saved['iters_per_epoch']} iterations per epoch on {saved['world_size']} "
                f"process(es), this run has {current['iters_per_epoch']} on "
                f"{current['world_size']}. The training set length, data.imgs_per_gpu, "
                'data.drop_last or the number of processes changed, which would move the run '
                'to the wrong sample and schedule position. Resume with the original setting, '
                'or start a new run with load_from=<checkpoint>.')
        for key, value in current.items():
            hub.update_info(key, value)
