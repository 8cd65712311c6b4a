"""Runner overhead: the same model, data and optimizer trained by a plain PyTorch loop and by
easycv_like's Runner (all hooks, logging and checkpointing on), in one process.

    python benchmarks/runner_overhead.py [--iters 30] [--batch 64] [--size 32] [--workers 0]

Prints the median step time of each and their ratio (goal: <= 1.05).
"""
import argparse
import statistics
import tempfile
import time

import numpy as np
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from torch.utils.data import DataLoader, Dataset

import easycv_like  # noqa: F401  (registers everything)
from easycv_like.engine import apply_overrides, build_runner
from easycv_like.registry import DATASETS, HOOKS, MODELS

MODEL = dict(type='Classification', backbone=dict(type='ResNet', depth=18, stem='small'),
             head=dict(type='ClsHead', in_channels=512, num_classes=10))


@DATASETS.register_module()
class RandomImages(Dataset):
    """Fixed random uint8 images and labels, already in the dataset-item format."""

    def __init__(self, length=512, size=32, seed=0):
        rng = np.random.default_rng(seed)
        self.images = torch.from_numpy(rng.integers(0, 256, (length, 3, size, size), np.uint8))
        self.labels = rng.integers(0, 10, length).tolist()
        self.metainfo = {'classes': None}

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        return {'inputs': self.images[i],
                'data_samples': {'gt_label': self.labels[i], 'sample_idx': i, 'img_path': ''}}


@HOOKS.register_module()
class StepTimerHook(Hook):
    """Records the wall time between consecutive training iterations."""
    times: list = []

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        self._start = time.perf_counter()

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        StepTimerHook.times.append(time.perf_counter() - self._start)


def plain_loop(args) -> list:
    torch.manual_seed(0)
    model = MODELS.build(MODEL)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    loader = DataLoader(RandomImages(args.iters * args.batch, args.size), batch_size=args.batch,
                        shuffle=True, num_workers=args.workers)
    mean = torch.tensor([123.675, 116.28, 103.53]).view(1, 3, 1, 1)
    std = torch.tensor([58.395, 57.12, 57.375]).view(1, 3, 1, 1)
    model.train()
    times = []
    for batch in loader:
        start = time.perf_counter()
        x = (batch['inputs'].float() - mean) / std
        logits = model.head(model.backbone(x))
        loss = torch.nn.functional.cross_entropy(logits, batch['data_samples']['gt_label'])
        opt.zero_grad()
        loss.backward()
        opt.step()
        times.append(time.perf_counter() - start)
    return times


def runner_loop(args) -> list:
    cfg = Config(dict(
        model=MODEL, total_iters=args.iters,
        data=dict(imgs_per_gpu=args.batch, workers_per_gpu=args.workers,
                  train=dict(type='RandomImages', length=args.iters * args.batch,
                             size=args.size)),
        optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4),
        lr_config=dict(policy='CosineAnnealing', warmup='linear', warmup_iters=5),
        checkpoint_config=dict(interval=args.iters), log_config=dict(interval=10),
        custom_hooks=[dict(type='StepTimerHook')], seed=0))
    with tempfile.TemporaryDirectory() as work_dir:
        build_runner(apply_overrides(cfg, work_dir=work_dir)).train()
    return list(StepTimerHook.times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--iters', type=int, default=30)
    parser.add_argument('--batch', type=int, default=64)
    parser.add_argument('--size', type=int, default=32)
    parser.add_argument('--workers', type=int, default=0)
    args = parser.parse_args()
    warm = 3
    plain = statistics.median(plain_loop(args)[warm:])
    ours = statistics.median(runner_loop(args)[warm:])
    print(f'plain PyTorch step: {plain * 1000:.1f} ms ({args.batch / plain:.1f} samples/s)')
    print(f'easycv_like Runner: {ours * 1000:.1f} ms ({args.batch / ours:.1f} samples/s)')
    print(f'ratio runner/plain: {ours / plain:.3f}  (goal <= 1.05)')


if __name__ == '__main__':
    main()
