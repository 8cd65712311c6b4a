"""TorchVision 0.9's CPU speed-up claims, measured on our models beside torchvision's own.

    OMP_NUM_THREADS=1 python benchmarks/seed_speedups.py [--threads 1] [--rounds 9] [--smoke]

Rows: MobileNetV3-Large and -Small against ResNet-50 at 224 px, DeepLabV3-MobileNetV3 and
LR-ASPP-MobileNetV3 against FCN-ResNet50 at 520 px. Our models are built from our configs (the
segmentors without their training-only auxiliary head, as torchvision builds its models by
default); torchvision's weights (random, seeded) are loaded into ours first and the outputs
compared. Then, at batch 1 in eval mode with a fixed torch thread count, every model of a size
group is timed in alternating rounds (order rotated each round) in this one process, and each
latency is the median of the rounds. Printed per row: our latencies, torchvision's, our
speed-up ratio beside torchvision's and the release's claim, and whether each of our models runs
at >= 0.95x the speed of torchvision's model of the same architecture.
"""
import argparse
import json
import os.path as osp
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
import torchvision
from mmengine.logging import MMLogger
from torch import nn
from torchvision.models import segmentation as tv_seg

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, REPO)

from easycv_like.apis.config import load_config  # noqa: E402
from easycv_like.models.backbones import load_torchvision_state_dict  # noqa: E402
from easycv_like.models.heads import torchvision_mobilenet_to_classification  # noqa: E402
from easycv_like.registry import MODELS  # noqa: E402
from easycv_like.utils.weight_loading import load_weights  # noqa: E402

SPEED_GOAL = 0.95  # ours must run at >= this fraction of torchvision's speed


@dataclass
class Pair:
    """One architecture built twice: ours (from our config) and torchvision's."""
    name: str
    ours: Callable[[torch.Tensor], torch.Tensor]
    theirs: Callable[[torch.Tensor], torch.Tensor]


@dataclass
class Row:
    title: str
    size: int  # input side in pixels (full run)
    fast: str  # the mobile model
    slow: str  # the ResNet-50 baseline
    claim: float  # the release's speed-up of fast over slow
    claim_text: str


ROWS = [
    Row('MobileNetV3-Large vs ResNet-50', 224, 'mobilenet_v3_large', 'resnet50', 6.0, '> 6x'),
    Row('MobileNetV3-Small vs ResNet-50', 224, 'mobilenet_v3_small', 'resnet50', 15.0, '15x'),
    Row('DeepLabV3-MNv3 vs FCN-ResNet50', 520, 'deeplabv3_mobilenet_v3_large', 'fcn_resnet50',
        8.5, '8.5x'),
    Row('LR-ASPP-MNv3 vs FCN-ResNet50', 520, 'lraspp_mobilenet_v3_large', 'fcn_resnet50', 15.0,
        '15x'),
]

CLS_CONFIGS = {
    'mobilenet_v3_large': 'classification/imagenet/mobilenet_v3_large.py',
    'mobilenet_v3_small': 'classification/imagenet/mobilenet_v3_small.py',
    'resnet50': '_base_/models/resnet50_cls.py',
}
SEG_CONFIGS = {
    'deeplabv3_mobilenet_v3_large': 'segmentation/deeplabv3_mobilenet_v3_large_voc.py',
    'lraspp_mobilenet_v3_large': 'segmentation/lraspp_mobilenet_v3_large_voc.py',
    'fcn_resnet50': 'segmentation/fcn_r50_voc.py',
}


def _informative(model: nn.Module) -> nn.Module:
    """Random BN statistics and default-initialised Linear layers (torchvision starts those at
    std 0.01, which leaves random-weight logits near 1e-10), so that comparing outputs means
    something; in place, seeded by the caller."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.1, 0.1)
            elif isinstance(m, nn.Linear):
                m.reset_parameters()
    return model.eval()


def _our_model(config: str, **overrides) -> nn.Module:
    cfg = load_config(osp.join(REPO, 'configs', config)).model
    cfg.update(overrides)
    return MODELS.build(cfg).eval()


def _classifier_pair(name: str) -> Pair:
    torch.manual_seed(0)
    theirs = _informative(getattr(torchvision.models, name)(weights=None))
    ours = _our_model(CLS_CONFIGS[name])
    state = theirs.state_dict()
    if name == 'resnet50':
        load_torchvision_state_dict(ours.backbone, state)
        ours.head.fc.load_state_dict({'weight': state['fc.weight'], 'bias': state['fc.bias']})
    else:
        ours.load_state_dict(torchvision_mobilenet_to_classification(state), strict=True)
    return Pair(name, lambda x: ours(x, mode='tensor'), theirs)


def _segmentor_pair(name: str) -> Pair:
    torch.manual_seed(0)
    theirs = _informative(getattr(tv_seg, name)(weights=None, weights_backbone=None,
                                                 num_classes=21, aux_loss=False))
    ours = _our_model(SEG_CONFIGS[name], auxiliary_head=None)
    load_weights(ours, theirs.state_dict(), strict=True, source=f'torchvision {name}')

    def ours_at_input_size(x: torch.Tensor) -> torch.Tensor:
        logits = ours(x, mode='tensor')  # N x 21 x H / stride x W / stride
        return F.interpolate(logits, size=x.shape[-2:], mode='bilinear', align_corners=False)
    return Pair(name, ours_at_input_size, lambda x: theirs(x)['out'])


def build_pair(name: str) -> Pair:
    """Our model and torchvision's for ``name``, ours holding torchvision's weights."""
    return _segmentor_pair(name) if name in SEG_CONFIGS else _classifier_pair(name)


@torch.no_grad()
def max_difference(pair: Pair, size: int) -> tuple[float, float]:
    """(max |ours - theirs|, max |theirs|) on one seeded random image."""
    x = torch.randn(1, 3, size, size, generator=torch.Generator().manual_seed(0))
    ours, theirs = pair.ours(x), pair.theirs(x)
    return (ours - theirs).abs().max().item(), theirs.abs().max().item()


@torch.no_grad()
def time_alternating(models: dict[str, Callable], size: int, rounds: int,
                     block_seconds: float) -> dict[str, float]:
    """Median seconds per forward of every model: each round runs a block of forwards of each
    model in turn (order rotated every round); a block repeats a fast model to about
    ``block_seconds`` so that timer noise does not dominate it."""
    x = torch.randn(1, 3, size, size)
    names = list(models)
    repeats = {}
    for name in names:  # warm-up, and how many forwards make one block
        models[name](x)
        start = time.perf_counter()
        models[name](x)
        repeats[name] = max(1, round(block_seconds / max(time.perf_counter() - start, 1e-6)))
    samples = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            start = time.perf_counter()
            for _ in range(repeats[name]):
                models[name](x)
            samples[name].append((time.perf_counter() - start) / repeats[name])
    return {name: statistics.median(values) for name, values in samples.items()}


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--threads', type=int, default=1, help='torch intra-op threads')
    parser.add_argument('--rounds', type=int, default=9, help='alternating timing rounds')
    parser.add_argument('--block-seconds', type=float, default=0.3,
                        help='least time of one timed block of forwards')
    parser.add_argument('--only', default=None,
                        help='comma-separated row numbers (1-4) to run; default all')
    parser.add_argument('--smoke', action='store_true',
                        help='tiny run (64 px, 2 rounds, short blocks): code paths only, the '
                             'figures mean nothing')
    parser.add_argument('--json', default=None, help='also write the report to this file')
    args = parser.parse_args(argv)
    rows = list(range(1, len(ROWS) + 1))
    if args.only:
        try:
            rows = [int(i) for i in args.only.split(',')]
        except ValueError:
            parser.error(f'--only takes row numbers such as 1,3; got {args.only!r}')
        if not rows or any(i not in range(1, len(ROWS) + 1) for i in rows):
            parser.error(f'--only rows must be in 1..{len(ROWS)}; got {args.only!r}')
    args.rows = [ROWS[i - 1] for i in rows]
    if args.threads < 1 or args.rounds < 1:
        parser.error('--threads and --rounds must be >= 1')
    return args


def _report_row(row: Row, size: int, lat: dict[str, float], checks: dict[str, dict]) -> dict:
    ours_ratio = lat[f'ours/{row.slow}'] / lat[f'ours/{row.fast}']
    tv_ratio = lat[f'tv/{row.slow}'] / lat[f'tv/{row.fast}']
    relative = {name: lat[f'tv/{name}'] / lat[f'ours/{name}'] for name in (row.fast, row.slow)}
    return dict(
        title=row.title, size=size, fast=row.fast, slow=row.slow,
        ours_ms={n: 1e3 * lat[f'ours/{n}'] for n in (row.fast, row.slow)},
        tv_ms={n: 1e3 * lat[f'tv/{n}'] for n in (row.fast, row.slow)},
        ours_ratio=ours_ratio, tv_ratio=tv_ratio, claim=row.claim, claim_text=row.claim_text,
        relative_speed=relative,
        speed_goal_met={n: s >= SPEED_GOAL for n, s in relative.items()},
        same_outputs={n: checks[n]['same'] for n in (row.fast, row.slow)})


def _print_report(report: dict) -> None:
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}, "
          f"{report['threads']} thread(s), {report['rounds']} rounds, batch 1, eval mode"
          + (' [SMOKE: figures mean nothing]' if report['smoke'] else ''))
    for name, check in report['checks'].items():
        print(f"  outputs {name}: max |ours - torchvision| {check['max_diff']:.2e} "
              f"(max |out| {check['max_abs']:.2e}) -> {'same' if check['same'] else 'DIFFER'}")
    header = ('| row | px | ours fast / slow ms | torchvision fast / slow ms | our ratio | '
              'tv ratio | claim | our speed vs tv (fast, slow) | >= 0.95x |')
    print(header)
    print('|' + ' --- |' * 9)
    for r in report['rows']:
        f, s = r['fast'], r['slow']
        met = 'yes' if all(r['speed_goal_met'].values()) else 'NO'
        print(f"| {r['title']} | {r['size']} | {r['ours_ms'][f]:.1f} / {r['ours_ms'][s]:.1f} | "
              f"{r['tv_ms'][f]:.1f} / {r['tv_ms'][s]:.1f} | {r['ours_ratio']:.1f}x | "
              f"{r['tv_ratio']:.1f}x | {r['claim_text']} | {r['relative_speed'][f]:.2f}x, "
              f"{r['relative_speed'][s]:.2f}x | {met} |")


def main(argv: Sequence[str] | None = None) -> dict:
    """Run the benchmark; print the table and return the report (also written to --json)."""
    args = parse_args(argv)
    MMLogger.get_instance('seed_speedups', log_level='WARNING')  # no weight-load reports
    torch.set_num_threads(args.threads)
    rounds = 2 if args.smoke else args.rounds
    block = 0.0 if args.smoke else args.block_seconds
    names = list(dict.fromkeys(n for row in args.rows for n in (row.fast, row.slow)))
    pairs = {name: build_pair(name) for name in names}
    checks = {}
    for name, pair in pairs.items():
        size = 64 if args.smoke else next(r.size for r in args.rows if name in (r.fast, r.slow))
        diff, scale = max_difference(pair, size)
        checks[name] = dict(max_diff=diff, max_abs=scale, same=diff <= 1e-4 * max(1.0, scale))
    latencies = {}
    for size in dict.fromkeys(row.size for row in args.rows):
        group = [n for n in names if any(size == r.size and n in (r.fast, r.slow)
                                         for r in args.rows)]
        models = {}
        for name in group:
            models[f'ours/{name}'], models[f'tv/{name}'] = pairs[name].ours, pairs[name].theirs
        latencies.update(time_alternating(models, 64 if args.smoke else size, rounds, block))
    report = dict(threads=args.threads, rounds=rounds, smoke=args.smoke, checks=checks,
                  rows=[_report_row(row, 64 if args.smoke else row.size, latencies, checks)
                        for row in args.rows])
    _print_report(report)
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(report, f, indent=1)
    return report


if __name__ == '__main__':
    main()
