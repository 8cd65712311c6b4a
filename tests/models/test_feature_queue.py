"""FeatureQueue: ring-buffer writes, count, pointer; the older MoCo / MoBY / SwAV layouts load."""
import pytest
import torch
import torch.nn.functional as F

from easycv_like.models.feature_queue import FeatureQueue
from easycv_like.models.heads import SwAVHead

from .test_moby import _moby
from .test_moco import _moco


def test_random_start_is_full_of_unit_rows():
    torch.manual_seed(0)
    queue = FeatureQueue(5, 3)
    torch.manual_seed(0)
    assert torch.equal(queue.features, F.normalize(torch.randn(3, 5), dim=0).T)
    assert int(queue.count) == 5 and queue.filled().shape == (5, 3)


def test_writes_wrap_round_and_count_fills():
    queue = FeatureQueue(5, 2, random_init=False)
    assert int(queue.count) == 0 and queue.filled().shape == (0, 2)
    queue.enqueue(torch.arange(6.0).view(3, 2))  # rows 0, 1, 2
    assert int(queue.ptr) == 3 and int(queue.count) == 3
    assert torch.equal(queue.filled(), torch.arange(6.0).view(3, 2))
    queue.enqueue(10 + torch.arange(6.0).view(3, 2))  # rows 3, 4, then 0
    assert int(queue.ptr) == 1 and int(queue.count) == 5
    assert queue.features[:, 0].tolist() == [14.0, 2.0, 4.0, 10.0, 12.0]
    queue.enqueue(torch.arange(14.0).view(7, 2))  # longer than the queue: its newest 5 rows
    assert sorted(queue.features[:, 0].tolist()) == [4.0, 6.0, 8.0, 10.0, 12.0]


def test_bad_sizes_are_an_error():
    with pytest.raises(ValueError, match='length > 0'):
        FeatureQueue(0, 4)


def test_a_moco_checkpoint_with_the_old_queue_layout_loads():
    old = _moco()
    old_keys = F.normalize(torch.randn(16, 32), dim=0)  # D x L, as MoCo stored it
    state = {k: v for k, v in old.state_dict().items() if not k.startswith('queue.')}
    state.update(queue=old_keys, queue_ptr=torch.tensor([12]))
    new = _moco()
    result = new.load_state_dict(state, strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    assert torch.equal(new.queue.features, old_keys.T) and int(new.queue.ptr) == 12
    assert int(new.queue.count) == 32


def test_a_moby_checkpoint_with_the_old_queues_loads():
    old = _moby()
    state = {k: v for k, v in old.state_dict().items() if not k.startswith('queue')}
    q1, q2 = torch.randn(12, 16), torch.randn(12, 16)
    state.update(queue1=q1, queue2=q2, queue_ptr=torch.tensor([4]))
    new = _moby()
    new.load_state_dict(state, strict=True)
    assert torch.equal(new.queue1.features, q1) and torch.equal(new.queue2.features, q2)
    assert int(new.queue1.ptr) == int(new.queue2.ptr) == 4


def test_a_swav_head_with_the_old_newest_first_queue_loads():
    head = SwAVHead(feat_dim=2, num_prototypes=3, num_crops=(2,), queue_length=4)
    old = torch.zeros(2, 4, 2)
    old[:, :3, 0] = torch.tensor([3.0, 2.0, 1.0])  # newest first: 3 was stored last
    state = {'prototypes.weight': head.prototypes.weight.clone(), 'queue': old,
             'queue_count': torch.tensor(3)}
    head.load_state_dict(state, strict=True)
    assert head.queues[1].filled()[:, 0].tolist() == [1.0, 2.0, 3.0]  # oldest first
    assert int(head.queues[1].ptr) == 3 and int(head.queues[1].count) == 3

