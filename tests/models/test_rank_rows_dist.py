"""MAE masking and stochastic depth in 2 gloo processes seeded alike (as the Runner seeds every
rank): each rank masks / drops its samples differently, the two ranks together draw what one
process draws for the global batch, and both ranks' random streams stay in step."""
import torch

from easycv_like.engine.dist_init import leave_process_group
from easycv_like.models.backbones.vit_layers import DropPath, random_masking

from ..gloo_ranks import join_gloo, run_on_two_ranks

_N, _L = 4, 16  # samples per rank, tokens per sample


def _draws() -> dict:
    """This process's MAE mask and stochastic-depth keep pattern, then one more draw."""
    torch.manual_seed(0)
    _, mask, _ = random_masking(torch.zeros(_N, _L, 2), 0.75)
    drop = DropPath(0.5).train()
    kept = drop(torch.ones(_N, 3)).ne(0).all(dim=1)
    return dict(mask=mask, kept=kept, after=torch.rand(1))


def _worker(rank: int, port: int, results: dict) -> None:
    join_gloo(rank, port)
    results[rank] = _draws()
    leave_process_group()


def test_ranks_draw_their_own_rows_of_one_global_draw():
    ranks = run_on_two_ranks(_worker)
    assert not torch.equal(ranks[0]['mask'], ranks[1]['mask'])
    assert torch.equal(ranks[0]['after'], ranks[1]['after'])  # streams in step
    torch.manual_seed(0)  # one process, the global batch of 2 x _N samples
    _, mask, _ = random_masking(torch.zeros(2 * _N, _L, 2), 0.75)
    assert torch.equal(torch.cat([ranks[0]['mask'], ranks[1]['mask']]), mask)
    kept = DropPath(0.5).train()(torch.ones(2 * _N, 3)).ne(0).all(dim=1)
    assert torch.equal(torch.cat([ranks[0]['kept'], ranks[1]['kept']]), kept)
    assert not kept.all() and kept.any()


def test_one_process_draws_as_before():
    """Without a process group, the mask is torch.rand's argsort and the keep pattern is
    bernoulli_'s, as before the draws were shared out by rank."""
    draws = _draws()
    torch.manual_seed(0)
    noise = torch.rand(_N, _L)
    keep = torch.empty(_N, 1).bernoulli_(0.5).bool().view(-1)
    expected = torch.ones(_N, _L)
    expected.scatter_(1, noise.argsort(dim=1)[:, :_L // 4], 0)
    assert torch.equal(draws['mask'], expected)
    assert torch.equal(draws['kept'], keep)
