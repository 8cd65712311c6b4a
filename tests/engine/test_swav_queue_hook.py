"""SwAVQueueHook: the head uses its queue from the start epoch (or iteration) on."""
from types import SimpleNamespace

import pytest
from torch import nn

from easycv_like.engine.hooks import SwAVQueueHook
from easycv_like.errors import ConfigError
from easycv_like.models.heads import SwAVHead
from easycv_like.models.selfsup.scheduled_values import ScheduledValuesMixin
from easycv_like.registry import HOOKS


class _SwAVLike(ScheduledValuesMixin, nn.Module):
    def scheduled_values(self):
        return ('head.use_queue',) if self.head.queues else ()


def _runner(it, queue_length=8, iters_per_epoch=10):
    model = _SwAVLike()
    model.head = SwAVHead(feat_dim=4, num_prototypes=3, num_crops=(2,), queue_length=queue_length)
    return SimpleNamespace(model=model, iter=it, train_dataloader=range(iters_per_epoch),
                           max_iters=1000)


@pytest.mark.parametrize('it, expected', [(0, False), (29, False), (30, True), (500, True)])
def test_queue_starts_at_the_start_epoch(it, expected):
    hook = HOOKS.build(dict(type='SwAVQueueHook', start_epoch=3))
    runner = _runner(it)
    hook.before_train(runner)
    hook.before_train_iter(runner, batch_idx=0)
    assert runner.model.head.use_queue is expected


def test_start_iter_overrides_and_a_head_without_queue_is_an_error():
    hook = SwAVQueueHook(start_epoch=3, start_iter=1)
    runner = _runner(1)
    hook.before_train(runner)
    hook.before_train_iter(runner, batch_idx=0)
    assert runner.model.head.use_queue
    with pytest.raises(ConfigError, match='queue_length'):
        hook.before_train_iter(_runner(1, queue_length=0), batch_idx=0)


@pytest.mark.parametrize('options, key', [(dict(start_epoch=15), 'start_epoch'),
                                          (dict(start_iter=100), 'start_iter')])
def test_a_start_after_the_run_is_an_error(options, key):
    """The recipe's epoch 15 in a 10-epoch run: the queue would silently never be used."""
    runner = _runner(0)
    runner.max_iters = 100
    with pytest.raises(ConfigError, match=rf'SwAVQueueHook: {key} reaches iteration (150|100), but '
                       r'the run has only 100 iterations'):
        SwAVQueueHook(**options).before_train(runner)
    SwAVQueueHook(start_epoch=9.9).before_train(runner)  # iteration 99: the last one uses it
