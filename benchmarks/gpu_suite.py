"""Every GPU figure of benchmarks/README.md in one command: one JSON, one table, goals met or not.

    python benchmarks/gpu_suite.py [--out gpu_suite.json] [--only dali_pipeline,mocov2_*]
    python benchmarks/gpu_suite.py --smoke     # the same code paths, shrunk, on the CPU (seconds)

Rows (each reuses ``data_throughput.py`` / ``ssl_throughput.py``; the goals and reference figures
are the project's, measured with plain PyTorch + DALI on one H100; see benchmarks/README.md):
  dali_pipeline            DALI MoCo v2 two-view pipeline alone (``mixed`` decode), samples/s
  mocov2_{synthetic,jpg,dali}_{eager,compiled}
                           our Runner training MoCo v2 ResNet-50 (fp16, channels_last, bs 256)
                           fed from memory / the cv2 JPEG loader / DALI; eager and torch.compile
  dino / swav / moby       our Runner, data on the device, against the plain-PyTorch ceilings
Planned for 6-7 minutes on one H100 (compilation is most of it; not yet timed on a GPU).
``--smoke`` shrinks every row (tiny models, 32 px, a few iterations; compiled rows use
torch.compile's ``eager`` backend) so the test suite runs exactly this script on a CPU; its rates
mean nothing and no goal is judged.
"""
import argparse
import fnmatch
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Optional

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data_throughput  # noqa: E402
import ssl_throughput  # noqa: E402

from easycv_like.apis.config import load_config  # noqa: E402
from easycv_like.data.sources import ImageList  # noqa: E402
from easycv_like.data.tfrecord import convert_to_tfrecord  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: DALI pipeline alone, ``mixed`` decode, by DALI threads (FACTS, H100)
DALI_PIPELINE_REFERENCE = {8: 8280.0, 16: 8890.0}
#: shrinks for --smoke, per model family (cfg-options)
RESNET_SMOKE = {'model.backbone.depth': 18,
                'model.neck.in_channels': 512, 'model.neck.hid_channels': 32}
VIT_SMOKE = {'model.backbone.depth': 1, 'model.backbone.embed_dim': 48,
             'model.backbone.num_heads': 2, 'model.backbone.img_size': 32}


@dataclass
class Row:
    """One figure: how to measure it and what it must reach.

    ``goal`` is a rate in samples/s, or None with ``goal_ratio`` for "at least this fraction of
    the plain step measured in the same run"; neither means the row is informative only.
    """

    name: str
    config: str
    data: str = 'synthetic'
    compiled: bool = False
    batch: int = 256
    goal: Optional[float] = None
    goal_ratio: Optional[float] = None
    reference: str = ''
    options: dict = field(default_factory=dict)
    smoke: dict = field(default_factory=dict)


MOCO = 'configs/ssl/mocov2_r50.py'
MOCO_SMOKE = dict(RESNET_SMOKE, **{'model.queue_len': 16})
ROWS = [
    Row('mocov2_synthetic_eager', MOCO, goal_ratio=0.95,
        reference='>= 0.95 x the plain step with data on the GPU (3390/s on an H100)',
        options={'channels_last': True}, smoke=MOCO_SMOKE),
    Row('mocov2_synthetic_compiled', MOCO, compiled=True, goal=3700.0,
        reference='>= 3700/s (plain compiled step: 4130/s)', options={'channels_last': True},
        smoke=MOCO_SMOKE),
    Row('mocov2_jpg_eager', MOCO, data='jpg', reference='informative: cv2 JPEG loader, 16 '
        'workers (torchvision/PIL: 268/s)', options={'data.workers_per_gpu': 16},
        smoke=MOCO_SMOKE),
    Row('mocov2_jpg_compiled', MOCO, data='jpg', compiled=True, reference='informative',
        options={'data.workers_per_gpu': 16}, smoke=MOCO_SMOKE),
    Row('mocov2_dali_eager', MOCO, data='dali', goal=0.95 * 3010,
        reference='>= 0.95 x 3010/s (plain step fed by DALI, mixed, hw_decoder_load 1.0)',
        options={'channels_last': True, 'data.workers_per_gpu': 16}, smoke=MOCO_SMOKE),
    Row('mocov2_dali_compiled', MOCO, data='dali', compiled=True, goal=0.95 * 3400,
        reference='>= 0.95 x 3400/s (compiled plain step fed by DALI)',
        options={'channels_last': True, 'data.workers_per_gpu': 16}, smoke=MOCO_SMOKE),
    Row('dino', 'configs/ssl/dino_deit_small_p16.py', batch=64, goal=0.95 * 714,
        reference='>= 0.95 x 714/s (plain DINO ViT-S/16, 2x224 + 8x96, bs 64)',
        smoke=dict(VIT_SMOKE, **{'model.neck.in_channels': 48, 'model.neck.out_channels': 64,
                                 'model.neck.hid_channels': 32,
                                 'model.neck.bottleneck_channels': 16,
                                 'model.head.out_channels': 64})),
    Row('swav', 'configs/ssl/swav_r50.py', batch=128, goal=0.95 * 1416,
        reference='>= 0.95 x 1416/s (plain SwAV ResNet-50, 2x224 + 6x96, bs 128)',
        options={'model.backbone.norm_cfg.type': 'BN', 'model.neck.norm_cfg.type': 'BN1d'},
        # small stem: SwAV's 16 px smoke crops would reach layer 3 at 1 x 1 px with the default
        # one, where batch norm over 4 values blew a CI run's gradients up to Inf
        smoke=dict(RESNET_SMOKE, **{'model.head.num_prototypes': 16,
                                    '+model.backbone.stem': 'small'})),
    Row('moby', 'configs/ssl/moby_deit_small_p16.py', batch=128, goal=0.95 * 1367,
        reference='>= 0.95 x 1367/s (plain MoBY DeiT-S, 2x224, bs 128)',
        smoke=dict(VIT_SMOKE, **{'model.neck.in_channels': 48, 'model.neck.hid_channels': 32,
                                 'model.head.predictor.hid_channels': 32, 'model.queue_len': 16})),
]
ROW_NAMES = ['dali_pipeline'] + [row.name for row in ROWS]


def view_sizes(cfg, scale: float) -> list:
    """Each view's crop side in ``cfg.data.train`` (cv2 pipelines), times ``scale``."""
    train = cfg.data.train
    counts = train.num_views if isinstance(train.num_views, list) else [train.num_views]
    sizes = []
    for count, pipeline in zip(counts, train.pipelines):
        crop = next(t for t in pipeline if t['type'] == 'RandomResizedCrop')
        sizes += [max(16, round(crop['size'] * scale))] * count
    return sizes


def run_dali_pipeline(args, folder: str) -> dict:
    """The DALI row of ``data_throughput.py``: MoCo v2 views from TFRecord, no model."""
    list_file = os.path.join(folder, 'list.txt')
    if not os.path.exists(list_file):
        data_throughput.write_photo_like_jpegs(folder, args.images)
    shards = os.path.join(folder, 'tfrecord')
    if not os.path.isdir(shards):
        convert_to_tfrecord(ImageList(list_file), shards, num_shards=8, progress=False)
    loaders = data_throughput.make_loaders(list_file, shards, argparse.Namespace(
        batch=args.pipeline_batch, workers=args.threads))
    rate = data_throughput.samples_per_second(loaders['dali'](), warmup=2)
    reference = DALI_PIPELINE_REFERENCE.get(args.threads)
    return dict(rate=rate, goal=None if reference is None else 0.95 * reference,
                reference=f'>= 0.95 x {reference}/s (plain DALI, {args.threads} threads)'
                if reference else f'no reference for {args.threads} threads')


def run_ssl_row(row: Row, args, folder: str, plain_cache: dict) -> dict:
    """One Runner measurement (and, for a ratio goal, the plain MoCo step of the same config)."""
    options = dict(row.options, **row.smoke) if args.smoke else dict(row.options)
    options['data.imgs_per_gpu'] = args.batch or (4 if args.smoke else row.batch)
    if args.smoke:
        options['data.workers_per_gpu'] = 1
    cfg = load_config(os.path.join(REPO, row.config), options)
    if row.compiled:
        cfg.compile = dict(backend='eager') if args.smoke else True
    scale = args.size / 224
    run_args = argparse.Namespace(fp16=not args.smoke, data=row.data, iters=args.iters,
                                  warmup=args.warmup, size=args.size, images=args.images,
                                  view_sizes=view_sizes(cfg, scale) if row.data == 'synthetic'
                                  else None)
    result = dict(rate=ssl_throughput.our_rate(cfg, run_args, folder), goal=row.goal,
                  reference=row.reference)
    if row.goal_ratio is not None:
        if row.config not in plain_cache:
            device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
            plain_cache[row.config] = ssl_throughput.plain_rate(cfg, run_args, device)
        result.update(plain=plain_cache[row.config],
                      goal=row.goal_ratio * plain_cache[row.config])
    return result


def table(results: list, smoke: bool) -> str:
    """A markdown table of the rows."""
    lines = ['| figure | samples/s | goal | met | reference |', '| --- | --- | --- | --- | --- |']
    for r in results:
        goal = '-' if r['goal'] is None else f"{r['goal']:.0f}"
        met = 'n/a (smoke)' if smoke else {None: '-', True: 'yes', False: 'NO'}[r['met']]
        lines.append(f"| {r['name']} | {r['rate']:.1f} | {goal} | {met} | {r['reference']} |")
    return '\n'.join(lines)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--smoke', action='store_true', help='shrunk run on the CPU (tests)')
    parser.add_argument('--out', default='gpu_suite.json', help='JSON file (table beside, .md)')
    parser.add_argument('--only', help='comma-separated row names or patterns (default: all)')
    parser.add_argument('--iters', type=int, help='timed iterations a row (default 40; smoke 2)')
    parser.add_argument('--warmup', type=int, help='untimed iterations (default 10; smoke 1)')
    parser.add_argument('--size', type=int, help='side of a 224 crop (default 224; smoke 32)')
    parser.add_argument('--batch', type=int, help='batch of every row (default: per row)')
    parser.add_argument('--images', type=int, help='generated JPEGs (default 1024; smoke 16)')
    parser.add_argument('--threads', type=int, default=16, help='DALI threads (pipeline row)')
    args = parser.parse_args(argv)
    defaults = (2, 1, 32, 16) if args.smoke else (40, 10, 224, 1024)
    for key, value in zip(('iters', 'warmup', 'size', 'images'), defaults):
        if getattr(args, key) is None:
            setattr(args, key, value)
    args.pipeline_batch = 4 if args.smoke else 256
    if args.smoke:
        args.threads = min(args.threads, 2)
    patterns = args.only.split(',') if args.only else ['*']
    args.rows = [n for n in ROW_NAMES if any(fnmatch.fnmatch(n, p) for p in patterns)]
    if not args.rows:
        parser.error(f'--only {args.only!r} matches no row; rows: {", ".join(ROW_NAMES)}')
    if not args.smoke and not torch.cuda.is_available():
        parser.error('no CUDA device: run with --smoke on a CPU')
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    device = torch.cuda.get_device_name() if torch.cuda.is_available() else 'CPU'
    start, results, plain_cache = time.perf_counter(), [], {}
    with tempfile.TemporaryDirectory() as folder:
        for name in args.rows:
            row_start = time.perf_counter()
            if name == 'dali_pipeline':
                result = run_dali_pipeline(args, folder)
            else:
                row = next(r for r in ROWS if r.name == name)
                result = run_ssl_row(row, args, folder, plain_cache)
            result.update(name=name, seconds=round(time.perf_counter() - row_start, 1),
                          met=None if result['goal'] is None or args.smoke
                          else result['rate'] >= result['goal'])
            results.append(result)
            print(f"{name}: {result['rate']:.1f} samples/s ({result['seconds']} s)", flush=True)
    report = dict(device=device, smoke=args.smoke, torch=torch.__version__,
                  seconds=round(time.perf_counter() - start, 1), rows=results,
                  all_goals_met=None if args.smoke else all(
                      r['met'] is not False for r in results))
    text = table(results, args.smoke)
    with open(args.out, 'w') as f:
        json.dump(report, f, indent=2)
    with open(os.path.splitext(args.out)[0] + '.md', 'w') as f:
        f.write(f"{device}, torch {torch.__version__}, {report['seconds']} s\n\n{text}\n")
    print(text)
    return report


if __name__ == '__main__':
    main()
