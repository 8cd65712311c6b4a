"""Multi-scale training in 2 gloo processes: every rank resizes its own (different) batch to the
same size at every iteration, and a rank restarted mid-run (a resume) draws the same sizes."""
import torch
import torch.distributed as dist

from easycv_like.engine.dist_init import leave_process_group

from ..gloo_ranks import join_gloo, run_on_two_ranks

_ITERS = 40
_RESUME_AT = 23
_RESIZE = dict(size_range=(320, 480), size_divisor=32, interval=10, seed=7)  # YOLOX: every 10


def _sizes(rank: int, start: int, hub_name: str) -> list:
    from mmengine.logging import MessageHub

    from easycv_like.models.dense_data_preprocessor import DenseDataPreprocessor
    pre = DenseDataPreprocessor(mean=None, std=None, to_bgr=True, batch_resize=dict(_RESIZE))
    hub = MessageHub.get_instance(hub_name)
    side = 96 + 32 * rank  # each rank's batch has its own size and pixels
    batch = {'inputs': torch.full((2, 3, side, side), 10 * rank, dtype=torch.uint8),
             'data_samples': [{'gt_bboxes': torch.tensor([[4., 4., 20., 20.]]),
                               'scale_factor': (1.0, 1.0), 'img_shape': (side, side),
                               'batch_input_shape': (side, side)} for _ in range(2)]}
    sizes = []
    for iteration in range(start, _ITERS):
        hub.update_info('iter', iteration)
        sizes.append(tuple(pre(batch, training=True)['inputs'].shape[-2:]))
    return sizes


def _worker(rank: int, port: int, results: dict) -> None:
    join_gloo(rank, port)
    own = _sizes(rank, 0, f'ms_run_{rank}')
    gathered = [None, None]
    dist.all_gather_object(gathered, own)
    resumed = _sizes(rank, _RESUME_AT, f'ms_resumed_{rank}')  # a fresh hub: only iter carries
    results[rank] = dict(gathered=gathered, resumed=resumed)
    leave_process_group()


def test_multi_scale_size_is_the_same_on_two_ranks_and_after_resume():
    results = run_on_two_ranks(_worker)
    rank0, rank1 = results[0]['gathered']
    assert rank0 == rank1 == results[1]['gathered'][0]
    for start in range(0, _ITERS, 10):  # one size per block of 10 iterations
        assert len(set(rank0[start:start + 10])) == 1
    assert len(set(rank0)) > 1
    assert all(h == w and h % 32 == 0 and 320 <= h <= 480 for h, w in rank0)
    for rank in (0, 1):
        assert results[rank]['resumed'] == rank0[_RESUME_AT:]
