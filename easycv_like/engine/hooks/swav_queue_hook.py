"""Start SwAV's feature queue late (Caron et al. 2020, https://arxiv.org/abs/2006.09882)."""
from typing import Optional

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from ...errors import ConfigError
from ...registry import HOOKS
from ..run_length_check import check_hook_within_run


@HOOKS.register_module()
class SwAVQueueHook(Hook):
    """Set the model's scheduled value ``head.use_queue`` (``SwAV`` with a queue) before every
    iteration: False before the start, True after.

    With small batches (256) the paper stores the embeddings of past batches (3840 in all) and
    lets them join the Sinkhorn assignment, from epoch 15 on: earlier the features change too
    fast for stored ones to be useful. The queue itself is a buffer of ``SwAVHead``
    (``queue_length``); the state is a function of ``runner.iter``, so resumes continue exactly.
    A start at or after the run's last iteration is a ``ConfigError`` (the queue would be
    configured but never used, e.g. the 200-epoch recipe's epoch 15 in a short run).

    Args:
        start_epoch: first epoch (0-based) that uses the queue, times the iterations per epoch.
            Default 15.
        start_iter: first iteration that uses the queue; overrides ``start_epoch``.
            Default None.
    """

    priority = 'NORMAL'

    def __init__(self, start_epoch: float = 15, start_iter: Optional[int] = None) -> None:
        self.start_epoch = start_epoch
        self.start_iter = start_iter

    def before_train(self, runner) -> None:
        key = 'start_epoch' if self.start_iter is None else 'start_iter'
        if self.start_iter is None:
            self.start_iter = int(self.start_epoch * len(runner.train_dataloader))
        check_hook_within_run('SwAVQueueHook', key, self.start_iter, runner,
                              "SwAVHead's queue (queue_length) would never be used")

    def before_train_iter(self, runner, batch_idx: int, data_batch: Optional[dict] = None) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        declared = model.scheduled_values() if hasattr(model, 'scheduled_values') else ()
        if 'head.use_queue' not in declared:
            raise ConfigError(f'SwAVQueueHook needs a model whose head has a queue '
                              f'(SwAVHead(queue_length=...) > 0); {type(model).__name__} '
                              f'declares the scheduled values {list(declared)}')
        model.set_scheduled_value('head.use_queue', runner.iter >= self.start_iter)
