"""What tests across ranks share: a free local port, joining a gloo group from a spawned CPU
process, and running a worker on two ranks with a dict for their results."""
import socket

import torch
import torch.distributed as dist
import torch.multiprocessing as mp


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def join_gloo(rank: int, port: int, world_size: int = 2) -> None:
    """In a spawned worker: one torch thread, then this rank joins the gloo group."""
    torch.set_num_threads(1)
    dist.init_process_group('gloo', init_method=f'tcp://127.0.0.1:{port}', rank=rank,
                            world_size=world_size)


def run_on_two_ranks(worker) -> dict:
    """``worker(rank, port, results)`` in two processes; returns the ``results`` they filled."""
    results = mp.Manager().dict()
    mp.spawn(worker, args=(free_port(), results), nprocs=2, join=True)
    return results
