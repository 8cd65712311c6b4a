"""Batch-norm running statistics in a 2-process gloo run: after every training step of the DDP
wrapper both ranks hold the same statistics, the mean of what each rank's own batch gave."""
import copy

import torch
import torch.distributed as dist
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapper
from torch import nn

from easycv_like.engine.dist_init import leave_process_group
from easycv_like.engine.model_wrapper import DeviceAgnosticDDP
from easycv_like.engine.norm_statistics import average_running_statistics, running_statistics

from ..gloo_ranks import join_gloo, run_on_two_ranks


class _TwoNorms(BaseModel):
    """A convolution, a batch norm, and a norm without affine weights (running stats only)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.bn = nn.BatchNorm2d(4, momentum=0.5)
        self.plain = nn.BatchNorm1d(3, affine=False)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        out = self.bn(self.conv(inputs)).mean((2, 3)).sum(1) + self.plain(
            inputs.mean((2, 3))).sum(1)  # N
        return {'loss': out.pow(2).mean()} if mode == 'loss' else out


def _worker(rank: int, port: int, results: dict) -> None:
    join_gloo(rank, port)
    torch.manual_seed(0)
    ddp = DeviceAgnosticDDP(_TwoNorms())
    wrapper = OptimWrapper(torch.optim.SGD(ddp.parameters(), lr=0.1))
    rows = []
    for step in range(3):
        inputs = torch.randn(4, 3, 8, 8) * (1 + rank) + rank + step  # each rank its own batch
        alone = copy.deepcopy(ddp.module)
        alone.train()
        alone(inputs)  # this rank's statistics had it trained alone from the same state
        own = [b.clone() for b in running_statistics(alone)]
        ddp.train_step({'inputs': inputs}, wrapper)
        rows.append(dict(own=own, after=[b.clone() for b in running_statistics(ddp.module)]))
    gathered = [None, None]
    dist.all_gather_object(gathered, rows)
    average_running_statistics(ddp.module)  # identical values stay identical
    unchanged = all(torch.equal(a, b) for a, b in zip(rows[-1]['after'],
                                                       running_statistics(ddp.module)))
    results[rank] = dict(gathered=gathered, unchanged=unchanged)
    leave_process_group()


def test_running_statistics_are_the_mean_over_ranks_after_every_step():
    results = run_on_two_ranks(_worker)
    rank0, rank1 = results[0]['gathered']
    assert len(rank0[0]['after']) == 4  # running mean and variance of both norms
    for step0, step1 in zip(rank0, rank1):
        for own0, own1, after0, after1 in zip(step0['own'], step1['own'], step0['after'],
                                              step1['after']):
            assert not torch.allclose(own0, own1)  # the ranks' batches differ ...
            assert torch.equal(after0, after1)  # ... yet both hold the same statistics
            assert torch.allclose(after0, (own0 + own1) / 2, atol=1e-6)
    assert results[0]['unchanged'] and results[1]['unchanged']


def test_a_single_process_is_left_alone():
    model = _TwoNorms()
    model(torch.randn(2, 3, 8, 8))
    before = [b.clone() for b in running_statistics(model)]
    average_running_statistics(model)  # no process group
    assert all(torch.equal(a, b) for a, b in zip(before, running_statistics(model)))
    own = nn.BatchNorm2d(2)
    found = running_statistics(nn.Sequential(nn.SyncBatchNorm(4), own, nn.GroupNorm(1, 2)))
    assert found == [own.running_mean, own.running_var]  # SyncBN already shares its own
