"""MoCo in 2 gloo processes: the queue holds the keys of both ranks, the pointer moves by the
global batch, and the cross-rank batch shuffle is undone exactly."""
import torch
import torch.distributed as dist
import torch.nn.functional as F

from easycv_like.engine.dist_init import leave_process_group

from ..gloo_ranks import join_gloo, run_on_two_ranks
from .test_moco import MOCO

_N = 2  # images per rank


def _worker(rank: int, port: int, results: dict) -> None:
    join_gloo(rank, port)
    from easycv_like.registry import MODELS
    torch.manual_seed(0)  # the same initial weights and queue on both ranks
    model = MODELS.build(dict(MOCO, shuffle_bn=True))
    model.momentum_backbone.eval()  # per-sample keys: a shuffled batch must give the same keys
    g = torch.Generator().manual_seed(10 + rank)
    views = [torch.randn(_N, 3, 8, 8, generator=g) for _ in range(2)]
    own_keys = F.normalize(model.momentum_neck(model.momentum_backbone(views[1]))[0], dim=1)
    rows = torch.arange(4.0).view(4, 1) + 10 * rank  # 4 x 1, tells ranks and rows apart
    shuffled, inverse = model._batch_shuffle(rows)
    restored = model._batch_unshuffle(shuffled, inverse)
    loss = model.loss(views)['loss']
    all_keys = [torch.zeros_like(own_keys) for _ in range(2)]
    dist.all_gather(all_keys, own_keys)
    results[rank] = dict(
        ptr=int(model.queue.ptr), loss=float(loss),
        queue_ok=bool(torch.allclose(model.queue.features[:2 * _N], torch.cat(all_keys),
                                     atol=1e-5)),
        restored=bool(torch.equal(restored, rows)), shuffled=shuffled.view(-1).tolist())
    leave_process_group()


def test_two_ranks_fill_one_queue():
    results = run_on_two_ranks(_worker)
    assert set(results.keys()) == {0, 1}
    for rank in (0, 1):
        assert results[rank]['ptr'] == 2 * _N  # the global batch
        assert results[rank]['queue_ok']  # keys of rank 0 then rank 1, on both ranks
        assert results[rank]['restored']
        assert torch.isfinite(torch.tensor(results[rank]['loss']))
    shuffled = sorted(results[0]['shuffled'] + results[1]['shuffled'])
    assert shuffled == [0, 1, 2, 3, 10, 11, 12, 13]  # a permutation of the global batch
