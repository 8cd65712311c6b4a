"""YOLOX throughput: training images/s through easycv_like's Runner against a plain PyTorch loop
over the same model and batch, and DetectionPredictor latency against the raw model forward +
decode + NMS. Both ratios have the goal >= 0.95.

    python benchmarks/det_throughput.py                      # CPU, shrunk: width 0.125, 160 px
    python benchmarks/det_throughput.py --device cuda --fp16 --batch 64 --size 640   # YOLOX-s
    python benchmarks/det_throughput.py --smoke              # every code path, tiny (seconds)

The model is YOLOX at depth 0.33 (YOLOX-s's) and ``--widen`` (default 0.5, YOLOX-s, on CUDA;
0.125 on the CPU), 80 classes, no multi-scale resize. Training data are random uint8 images of
``--size`` with a few random boxes each, held in memory and batched by ``pad_collate`` (pad 114):
our Runner runs its whole loop (data loader, data preprocessor, hooks, logging, loss parsing,
GuardedOptimWrapper); the plain loop gets one ready batch on the device and runs forward, the
YOLOX loss, backward and SGD. The predictor is built from a checkpoint of the same model
(letterbox pipeline to ``--size``) and gets the images as RGB arrays already at ``--size``, so
its extra work is what every predictor call pays (pipeline, collate, transfer, mapping boxes
back); the raw path gets the batch already on the device. Both run under the same autocast, with
class / objectness biases at 0 so that every prior reaches NMS (its heaviest case).
"""
import argparse
import io
import os
import statistics
import tempfile
import time
from typing import List, Optional

import numpy as np
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from torch.utils.data import Dataset

import easycv_like  # noqa: F401  (registers everything)
from easycv_like.engine import apply_overrides, build_runner
from easycv_like.predictors import DetectionPredictor
from easycv_like.registry import DATASETS, HOOKS, MODELS
from easycv_like.utils.checkpoint import atomic_write_bytes

NUM_CLASSES = 80
CLASSES = [f'class{i}' for i in range(NUM_CLASSES)]
PAD_COLLATE = dict(type='pad_collate', size_divisor=32, pad_value=114)


def yolox_config(widen: float, deepen: float = 0.33) -> dict:
    """YOLOX with the given depth / width and 80 classes; unnormalised BGR input."""
    return dict(
        type='YOLOX',
        backbone=dict(type='CSPDarknet', deepen_factor=deepen, widen_factor=widen),
        neck=dict(type='YOLOXPAFPN', deepen_factor=deepen, widen_factor=widen),
        head=dict(type='YOLOXHead', num_classes=NUM_CLASSES, widen_factor=widen))


def random_targets(rng: np.random.Generator, size: int, count: int):
    """``count`` random boxes (xyxy, at least 8 px a side) inside a ``size`` square, labels."""
    xy = rng.uniform(0, size * 0.7, (count, 2))
    wh = rng.uniform(8, size * 0.3, (count, 2))
    boxes = np.concatenate([xy, np.minimum(xy + wh, size)], axis=1).astype(np.float32)
    return torch.from_numpy(boxes), torch.from_numpy(rng.integers(0, NUM_CLASSES, count))


@DATASETS.register_module()
class SyntheticDetImages(Dataset):
    """Random uint8 images (a small in-memory pool) with 1-8 random boxes each, in the item
    format ``PackDetInputs`` makes."""

    def __init__(self, length: int = 1024, size: int = 160, pool: int = 16, seed: int = 0):
        rng = np.random.default_rng(seed)
        self.images = torch.from_numpy(rng.integers(0, 256, (pool, 3, size, size), np.uint8))
        self.targets = [random_targets(rng, size, int(rng.integers(1, 9))) for _ in range(pool)]
        self.length, self.size = length, size
        self.metainfo = {'classes': CLASSES}

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int) -> dict:
        boxes, labels = self.targets[index % len(self.targets)]
        shape = (self.size, self.size)
        return {'inputs': self.images[index % len(self.images)], 'data_samples': dict(
            img_path='', sample_idx=index, img_id=index, ori_shape=shape, img_shape=shape,
            scale_factor=(1.0, 1.0), pad=dict(offset=(0, 0), shape=shape), flip=False,
            gt_bboxes=boxes.clone(), gt_labels=labels.clone(),
            gt_ignore=torch.zeros(len(labels), dtype=torch.bool))}


@HOOKS.register_module()
class DetIterStampHook(Hook):
    """Records the time at the end of every training iteration."""

    stamps: List[float] = []

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        DetIterStampHook.stamps.append(time.perf_counter())


def _sync(device: torch.device) -> None:
    if device.type == 'cuda':
        torch.cuda.synchronize()


def _autocast(device: torch.device, fp16: bool):
    dtype = torch.float16 if device.type == 'cuda' else torch.bfloat16
    return torch.autocast(device.type, dtype=dtype, enabled=fp16)


def plain_training_rate(args, device: torch.device) -> float:
    """Images/s of a plain PyTorch loop: one ready batch on the device, forward, YOLOX loss,
    backward, SGD (GradScaler under fp16 on CUDA)."""
    torch.manual_seed(0)
    model = MODELS.build(yolox_config(args.widen)).to(device).train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True,
                                weight_decay=5e-4)
    data = SyntheticDetImages(size=args.size)
    items = [data[i] for i in range(args.batch)]
    images = torch.stack([item['inputs'] for item in items]).to(device)
    boxes = [item['data_samples']['gt_bboxes'].to(device) for item in items]
    labels = [item['data_samples']['gt_labels'].to(device) for item in items]
    scaler = torch.amp.GradScaler(enabled=args.fp16 and device.type == 'cuda')

    def step():
        inputs = images.flip(1).float()  # RGB -> BGR, unnormalised (YOLOX's input)
        with _autocast(device, args.fp16):
            losses = model.criterion(*model.head_outputs(inputs), boxes, labels)
            loss = sum(v for k, v in losses.items() if k.startswith('loss'))
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()

    for _ in range(args.warmup):
        step()
    _sync(device)
    start = time.perf_counter()
    for _ in range(args.iters):
        step()
    _sync(device)
    return args.batch * args.iters / (time.perf_counter() - start)


def runner_training_rate(args, device: torch.device, folder: str) -> float:
    """Images/s of easycv_like's Runner over ``--iters`` iterations after ``--warmup``."""
    total = args.warmup + args.iters
    cfg = Config(dict(
        model=yolox_config(args.widen), total_iters=total,
        data=dict(imgs_per_gpu=args.batch, workers_per_gpu=args.workers, drop_last=True,
                  train=dict(type='SyntheticDetImages', length=total * args.batch,
                             size=args.size, collate=PAD_COLLATE)),
        optimizer=dict(type='SGD', lr=0.01, momentum=0.9, nesterov=True, weight_decay=5e-4),
        checkpoint_config=dict(interval=total + 1, by_epoch=False),
        log_config=dict(interval=max(10, args.iters // 5), hooks=[dict(type='TextLoggerHook')]),
        custom_hooks=[dict(type='DetIterStampHook'),
                      dict(type='ModeSwitchHook', num_last_epochs=0)], log_level='WARNING', seed=0))
    DetIterStampHook.stamps.clear()
    work_dir = tempfile.mkdtemp(prefix='work_', dir=folder)
    build_runner(apply_overrides(cfg, work_dir=work_dir, fp16=args.fp16)).train()
    stamps = DetIterStampHook.stamps[args.warmup - 1:]
    return args.batch * (len(stamps) - 1) / (stamps[-1] - stamps[0])


def write_checkpoint(model: torch.nn.Module, args, path: str) -> str:
    """A checkpoint as training writes it: weights + the config as data + class names."""
    pipeline = [dict(type='LoadImage'), dict(type='Letterbox', size=args.size, pad_value=114),
                dict(type='PackDetInputs')]
    config = dict(model=yolox_config(args.widen), data=dict(val=dict(
        type='DetDataset', data_source=dict(type='Coco'), pipeline=pipeline,
        collate=PAD_COLLATE)))
    buffer = io.BytesIO()
    torch.save(dict(state_dict=model.state_dict(),
                    meta=dict(config_dict=config, dataset_meta=dict(classes=CLASSES))), buffer)
    atomic_write_bytes(path, buffer.getvalue())
    return path


def every_prior_scored(model: torch.nn.Module) -> torch.nn.Module:
    """Class and objectness biases at 0 (probability 0.5): every prior scores about 0.25, above
    ``score_thr``, so NMS gets all of them (its heaviest case) instead of none (the prior-0.01
    initialisation of an untrained head)."""
    with torch.no_grad():
        for conv in list(model.head.cls_preds) + list(model.head.obj_preds):
            conv.bias.zero_()
    return model


def prediction_latencies(args, device: torch.device, folder: str):
    """Median seconds per batch of ``--batch`` images: (raw forward + decode + NMS, predictor),
    and the mean number of detections per image."""
    torch.manual_seed(0)
    model = every_prior_scored(MODELS.build(yolox_config(args.widen))).eval()
    predictor = DetectionPredictor(write_checkpoint(model, args, os.path.join(folder, 'm.pth')),
                                   device=str(device))
    model = predictor.model  # the same weights in both paths
    rng = np.random.default_rng(1)
    arrays = [rng.integers(0, 256, (args.size, args.size, 3), np.uint8)
              for _ in range(args.batch)]
    # NCHW memory, as the predictor's batches: the permuted view alone would be channels_last,
    # a layout ~7 % faster on this CPU, which compared two layouts rather than two code paths.
    batch = torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2).contiguous().to(device)

    @torch.no_grad()
    def raw():
        with _autocast(device, args.fp16):
            outputs = model.head_outputs(batch.flip(1).float())
            per_image = model.boxes_from_outputs(*outputs)
        return [tuple(t.cpu() for t in det) for det in per_image]

    def served():
        with _autocast(device, args.fp16):
            return predictor.predict(arrays, batch_size=args.batch)

    detections = statistics.mean(len(d['scores']) for d in served())
    times = {raw: [], served: []}
    for repeat in range(args.warmup + args.iters):
        for fn in (raw, served):  # alternate, so load changes hit both alike
            _sync(device)
            start = time.perf_counter()
            fn()
            _sync(device)
            if repeat >= args.warmup:
                times[fn].append(time.perf_counter() - start)
    return statistics.median(times[raw]), statistics.median(times[served]), detections


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--device', default='cpu', help="'cpu' or 'cuda'")
    parser.add_argument('--fp16', action='store_true', help='autocast (fp16 on CUDA, bf16 CPU)')
    parser.add_argument('--batch', type=int, default=4)
    parser.add_argument('--size', type=int, default=160, help='square input side, px')
    parser.add_argument('--widen', type=float, default=None,
                        help='width factor (default: 0.5 = YOLOX-s on CUDA, 0.125 on the CPU)')
    parser.add_argument('--iters', type=int, default=10, help='timed iterations / batches')
    parser.add_argument('--warmup', type=int, default=3, help='untimed first iterations')
    parser.add_argument('--repeats', type=int, default=1,
                        help='training measurements of each loop, alternated; medians reported')
    parser.add_argument('--workers', type=int, default=None,
                        help='Runner data-loader workers (default: 4 on CUDA, 0 on the CPU)')
    parser.add_argument('--smoke', action='store_true',
                        help='tiny and fast: width 0.125, 64 px, batch 2, 2 timed iterations')
    args = parser.parse_args(argv)
    if args.smoke:
        args.widen, args.size, args.batch, args.iters, args.warmup = 0.125, 64, 2, 2, 1
    cuda = args.device.startswith('cuda')
    if cuda and not torch.cuda.is_available():
        parser.error(f'--device {args.device}: CUDA is not available here')
    if args.widen is None:
        args.widen = 0.5 if cuda else 0.125
    if args.workers is None:
        args.workers = 4 if cuda else 0
    if min(args.warmup, args.iters, args.repeats) < 1:
        parser.error('--warmup, --iters and --repeats must be >= 1')
    return args


def main(argv: Optional[List[str]] = None) -> dict:
    """Runs both comparisons, prints them and returns the figures."""
    args = parse_args(argv)
    device = torch.device(args.device)
    name = torch.cuda.get_device_name(device) if device.type == 'cuda' else 'CPU'
    print(f'YOLOX depth 0.33 width {args.widen} on {name}: batch {args.batch}, {args.size} px, '
          f'fp16 {args.fp16}, {args.iters} timed iterations, {args.repeats} repeat(s)',
          flush=True)
    with tempfile.TemporaryDirectory() as folder:
        pairs = [(plain_training_rate(args, device), runner_training_rate(args, device, folder))
                 for _ in range(args.repeats)]  # alternated, so load changes hit both alike
        plain = statistics.median(p for p, _ in pairs)
        ours = statistics.median(r for _, r in pairs)
        raw_s, served_s, detections = prediction_latencies(args, device, folder)
    report = dict(train_plain=plain, train_runner=ours, train_ratio=ours / plain,
                  train_pairs=pairs,
                  predict_raw_ms=raw_s * 1000, predict_predictor_ms=served_s * 1000,
                  predict_ratio=raw_s / served_s, detections_per_image=detections,
                  widen=args.widen, size=args.size, batch=args.batch, fp16=args.fp16, device=name)
    if args.repeats > 1:
        print('training, each repeat (plain, Runner) images/s: '
              + ', '.join(f'({p:.1f}, {r:.1f})' for p, r in pairs))
    print(f'training, plain PyTorch loop: {plain:8.1f} images/s')
    print(f'training, easycv_like Runner: {ours:8.1f} images/s  ratio {ours / plain:.3f} '
          '(goal >= 0.95)')
    print(f'predict, raw forward + decode + NMS: {raw_s * 1000:8.1f} ms / batch')
    print(f'predict, DetectionPredictor:         {served_s * 1000:8.1f} ms / batch  speed ratio '
          f'{raw_s / served_s:.3f} (goal >= 0.95), {detections:.0f} detections / image')
    return report


if __name__ == '__main__':
    main()
