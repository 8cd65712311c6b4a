"""NT-Xent and Sinkhorn-Knopp over 2 CPU (gloo) processes equal the one-process computation on the
whole batch: the global batch is really global, and NT-Xent's gradients are exact."""
import os.path as osp

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from easycv_like.engine.dist_init import leave_process_group
from easycv_like.models.losses import nt_xent, sinkhorn_knopp

from ..gloo_ranks import free_port

WORLD = 2


def _worker(rank: int, port: int, folder: str, z1: torch.Tensor, z2: torch.Tensor,
            scores: torch.Tensor) -> None:
    dist.init_process_group('gloo', init_method=f'tcp://127.0.0.1:{port}', rank=rank,
                            world_size=WORLD)
    try:
        n = len(z1) // WORLD
        part = slice(rank * n, (rank + 1) * n)
        a, b = z1[part].clone().requires_grad_(), z2[part].clone().requires_grad_()
        loss = nt_xent(a, b, temperature=0.2)
        loss.backward()
        q = sinkhorn_knopp(scores[part], epsilon=0.05, iterations=3)
        torch.save(dict(loss=loss.detach(), grad_a=a.grad, grad_b=b.grad, q=q),
                   osp.join(folder, f'rank{rank}.pth'))
    finally:
        leave_process_group()


def test_two_processes_equal_one_process_on_the_whole_batch(tmp_path):
    torch.manual_seed(0)
    z1, z2, scores = torch.randn(6, 5), torch.randn(6, 5), torch.randn(6, 4).tanh()
    mp.spawn(_worker, args=(free_port(), str(tmp_path), z1, z2, scores), nprocs=WORLD)
    parts = [torch.load(tmp_path / f'rank{r}.pth') for r in range(WORLD)]

    a, b = z1.clone().requires_grad_(), z2.clone().requires_grad_()
    loss = nt_xent(a, b, temperature=0.2)
    loss.backward()
    # the global loss is the mean of the ranks' losses; DDP averages the ranks' gradients
    assert torch.allclose(torch.stack([p['loss'] for p in parts]).mean(), loss, atol=1e-6)
    assert torch.allclose(torch.cat([p['grad_a'] for p in parts]) / WORLD, a.grad, atol=1e-6)
    assert torch.allclose(torch.cat([p['grad_b'] for p in parts]) / WORLD, b.grad, atol=1e-6)
    q = sinkhorn_knopp(scores, epsilon=0.05, iterations=3)
    assert torch.allclose(torch.cat([p['q'] for p in parts]), q, atol=1e-5)
