"""MoCo v2 training throughput: easycv_like's Runner loop against a plain PyTorch MoCo v2 step
whose data already sits on the device (the ceiling), printed as a ratio.

    python benchmarks/ssl_throughput.py --config configs/ssl/mocov2_r50.py [--fp16] \
        [--data synthetic|jpg|dali] [--iters 50] [--size 224] [--cfg-options k=v ...]

``--data synthetic`` feeds our loop random uint8 views from memory (it measures the loop and the
data preprocessor), ``jpg`` the config's cv2 two-view pipeline over generated 500x375 photo-like
JPEGs, ``dali`` a ``DaliMultiViewDataset`` (MoCo v2 views, GPU decoding when CUDA exists) over
the same images as TFRecord. ``--size`` sets the crop side of every path. The plain step is an
independent MoCo v2 (torchvision ResNet + MLP projector, momentum encoder, queue, InfoNCE) with the
config's depth, projector, queue, momentum, temperature, optimizer, batch size and precision.

On a GPU run the config as is; on a CPU shrink it, e.g.
    OMP_NUM_THREADS=2 python benchmarks/ssl_throughput.py --config configs/ssl/mocov2_r50.py \
        --iters 8 --size 64 --cfg-options model.backbone.depth=18 model.neck.in_channels=512 \
        model.neck.hid_channels=512 model.queue_len=1024 data.imgs_per_gpu=16 data.workers_per_gpu=1
"""
import argparse
import copy
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from typing import Optional

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
from mmengine.config import DictAction
from mmengine.hooks import Hook
from torch import nn
from torch.utils.data import Dataset

import easycv_like  # noqa: F401  (registers everything)
from easycv_like.apis.config import load_config
from easycv_like.data.dali.view_spec import MOCOV2_VIEW
from easycv_like.data.sources import ImageList
from easycv_like.data.tfrecord import convert_to_tfrecord
from easycv_like.engine import apply_overrides, build_runner
from easycv_like.registry import DATASETS, HOOKS

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from photo_like_images import write_photo_like_jpegs  # noqa: E402

MEAN = (123.675, 116.28, 103.53)
STD = (58.395, 57.12, 57.375)


@DATASETS.register_module()
class SyntheticViews(Dataset):
    """Random uint8 views per item (one per entry of ``sizes``; default two of ``size``) from a
    small in-memory pool, in the dataset-item format."""

    def __init__(self, length: int = 4096, size: int = 224, pool: int = 64, seed: int = 0,
                 sizes: Optional[Sequence[int]] = None):
        rng = np.random.default_rng(seed)
        sizes = list(sizes) if sizes else [size, size]
        pools = {s: torch.from_numpy(rng.integers(0, 256, (pool, 3, s, s), np.uint8))
                 for s in set(sizes)}
        self.views = [pools[s] for s in sizes]
        self.length = length
        self.metainfo = {'classes': None}

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int) -> dict:
        views = [pool[(index + i) % len(pool)] for i, pool in enumerate(self.views)]
        return {'inputs': views,
                'data_samples': {'gt_label': -1, 'sample_idx': index, 'img_path': ''}}


@HOOKS.register_module()
class IterStampHook(Hook):
    """Records the time at the end of every training iteration."""

    stamps: list = []

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        IterStampHook.stamps.append(time.perf_counter())


class PlainMoCo(nn.Module):
    """MoCo v2 in plain PyTorch (He et al. 2020, Chen et al. 2020): the reference step."""

    def __init__(self, depth: int, hid: int, out: int, queue_len: int, momentum: float,
                 temperature: float) -> None:
        super().__init__()
        self.encoder_q = torchvision.models.get_model(f'resnet{depth}')
        dim = self.encoder_q.fc.in_features
        self.encoder_q.fc = nn.Sequential(nn.Linear(dim, hid), nn.ReLU(inplace=True),
                                          nn.Linear(hid, out))
        self.encoder_k = copy.deepcopy(self.encoder_q).requires_grad_(False)
        self.register_buffer('queue', F.normalize(torch.randn(out, queue_len), dim=0))
        self.ptr, self.momentum, self.temperature = 0, momentum, temperature

    def forward(self, view_q: torch.Tensor, view_k: torch.Tensor) -> torch.Tensor:
        q = F.normalize(self.encoder_q(view_q), dim=1)  # N x D
        with torch.no_grad():
            online = [p.detach() for p in self.encoder_q.parameters()]
            target = list(self.encoder_k.parameters())
            torch._foreach_mul_(target, self.momentum)
            torch._foreach_add_(target, online, alpha=1 - self.momentum)
            k = F.normalize(self.encoder_k(view_k), dim=1)  # N x D
        negatives = q @ self.queue.clone()  # N x K (the queue changes before backward)
        logits = torch.cat([(q * k).sum(1, keepdim=True), negatives], dim=1)  # N x (1 + K)
        loss = F.cross_entropy(logits.float() / self.temperature,
                               torch.zeros(len(q), dtype=torch.long, device=q.device))
        with torch.no_grad():
            n = len(k)
            self.queue[:, self.ptr:self.ptr + n] = k.T.to(self.queue.dtype)
            self.ptr = (self.ptr + n) % self.queue.shape[1]
        return loss


def plain_rate(cfg, args, device: torch.device) -> float:
    """Samples/s of the plain step, views already on the device as uint8."""
    model_cfg, neck = cfg.model, cfg.model.get('neck') or {}
    batch = cfg.data.imgs_per_gpu
    model = PlainMoCo(model_cfg.backbone.get('depth', 50), neck.get('hid_channels', 2048),
                      neck.get('out_channels', 128), model_cfg.get('queue_len', 65536),
                      model_cfg.get('momentum', 0.999),
                      (model_cfg.get('head') or {}).get('temperature', 0.2)).to(device)
    memory = torch.channels_last if cfg.get('channels_last') else torch.contiguous_format
    model = model.to(memory_format=memory)
    opt = cfg.optimizer
    optimizer = torch.optim.SGD(model.parameters(), lr=opt.get('lr', 0.03), momentum=0.9,
                                weight_decay=opt.get('weight_decay', 1e-4))
    views = torch.randint(0, 256, (2, batch, 3, args.size, args.size), dtype=torch.uint8,
                          device=device)
    mean = torch.tensor(MEAN, device=device).view(1, 3, 1, 1)
    std = torch.tensor(STD, device=device).view(1, 3, 1, 1)
    cuda = device.type == 'cuda'
    dtype = torch.float16 if cuda else torch.bfloat16
    scaler = torch.amp.GradScaler(enabled=args.fp16 and cuda)

    def step():
        inputs = [((v.float() - mean) / std).contiguous(memory_format=memory) for v in views]
        with torch.autocast(device.type, dtype=dtype, enabled=args.fp16):
            loss = model(*inputs)
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()

    for _ in range(args.warmup):
        step()
    if cuda:
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(args.iters):
        step()
    if cuda:
        torch.cuda.synchronize()
    return batch * args.iters / (time.perf_counter() - start)


def _with_crop_size(obj, size: int):
    """A copy of a pipeline config with every RandomResizedCrop producing ``size``."""
    if isinstance(obj, dict):
        obj = {k: _with_crop_size(v, size) for k, v in obj.items()}
        return dict(obj, size=size) if obj.get('type') == 'RandomResizedCrop' else obj
    if isinstance(obj, (list, tuple)):
        return [_with_crop_size(v, size) for v in obj]
    return obj


def train_dataset(cfg, args, folder: str) -> dict:
    """The ``data.train`` config of the chosen ``--data`` (images and shards made once a folder).

    ``args.view_sizes`` (optional) gives synthetic data one view per entry (multi-crop)."""
    if args.data == 'synthetic':
        return dict(type='SyntheticViews', size=args.size,
                    sizes=getattr(args, 'view_sizes', None))
    list_file = os.path.join(folder, 'list.txt')
    if not os.path.exists(list_file):
        write_photo_like_jpegs(folder, args.images)
    if args.data == 'jpg':
        train = _with_crop_size(cfg.data.train, args.size)
        train['data_source'] = dict(type='ImageList', list_file=list_file)
        return train
    out = os.path.join(folder, 'tfrecord')
    if not os.path.isdir(out):
        convert_to_tfrecord(ImageList(list_file), out, num_shards=8, progress=False)
    return dict(type='DaliMultiViewDataset', num_views=2, view=dict(MOCOV2_VIEW, size=args.size),
                source=dict(type='TFRecord', shards=f'{out}/train-*.tfrecord'),
                decoder_device='mixed', hw_decoder_load=1.0)


#: the custom hooks whose phases start after a warm-up, and how to start them at once
_AT_ONCE = {'DINOTeacherTempHook': dict(warmup_iters=1),
            'SwAVQueueHook': dict(start_iter=1),
            'SwAVPrototypeFreezeHook': dict(freeze_iters=1)}


def fit_schedules_to_run(cfg) -> list:
    """A throughput run is a few iterations of the steady state: its LR warm-up and the hook
    phases of ``_AT_ONCE`` (a teacher-temperature warm-up, SwAV's queue and prototype freeze)
    end after the first iteration, as the engine refuses phases longer than the run. Sets
    ``cfg.lr_config``; returns the custom hooks."""
    if (cfg.get('lr_config') or {}).get('warmup'):
        cfg.lr_config.update(warmup_iters=1, warmup_by_epoch=False)
    return [dict(hook, **_AT_ONCE.get(hook.get('type'), {}))
            for hook in cfg.get('custom_hooks') or []]


def our_rate(cfg, args, folder: str) -> float:
    """Samples/s of easycv_like's Runner over ``--iters`` timed iterations."""
    cfg = copy.deepcopy(cfg)
    cfg.pop('total_epochs', None)
    cfg.total_iters = args.warmup + args.iters
    cfg.data.train = train_dataset(cfg, args, folder)
    cfg.data.drop_last = True
    for key in ('eval_pipelines', 'load_from', 'resume_from'):
        cfg.pop(key, None)
    cfg.checkpoint_config = dict(interval=cfg.total_iters + 1, by_epoch=False)
    cfg.log_config = dict(interval=max(10, args.iters // 5), hooks=[dict(type='TextLoggerHook')])
    cfg.custom_hooks = fit_schedules_to_run(cfg) + [dict(type='IterStampHook')]
    cfg.log_level = 'WARNING'
    IterStampHook.stamps.clear()
    work_dir = tempfile.mkdtemp(prefix='work_', dir=folder)  # one per run: nothing to resume
    build_runner(apply_overrides(cfg, work_dir=work_dir,
                                 fp16=args.fp16)).train()
    stamps = IterStampHook.stamps[args.warmup - 1:]
    return cfg.data.imgs_per_gpu * (len(stamps) - 1) / (stamps[-1] - stamps[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--config', default='configs/ssl/mocov2_r50.py')
    parser.add_argument('--fp16', action='store_true')
    parser.add_argument('--data', choices=['synthetic', 'jpg', 'dali'], default='synthetic')
    parser.add_argument('--iters', type=int, default=50, help='timed iterations')
    parser.add_argument('--warmup', type=int, default=5, help='untimed first iterations')
    parser.add_argument('--size', type=int, default=224, help='crop side of every view')
    parser.add_argument('--images', type=int, default=512, help='generated images (jpg, dali)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={})
    args = parser.parse_args()
    cfg = load_config(args.config, args.cfg_options)
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    print(f'{args.config} on {torch.cuda.get_device_name() if device.type == "cuda" else "CPU"}'
          f': batch {cfg.data.imgs_per_gpu}, {args.size}px, depth '
          f'{cfg.model.backbone.get("depth")}, fp16 {args.fp16}, data {args.data}, '
          f'{args.iters} timed iterations', flush=True)
    plain = plain_rate(cfg, args, device)
    print(f'plain PyTorch MoCo v2, data on the device: {plain:8.1f} samples/s', flush=True)
    with tempfile.TemporaryDirectory() as folder:
        ours = our_rate(cfg, args, folder)
    print(f'easycv_like Runner, data={args.data:>9}: {ours:8.1f} samples/s')
    print(f'ratio ours / plain: {ours / plain:.3f}  (goal >= 0.95)')


if __name__ == '__main__':
    main()
