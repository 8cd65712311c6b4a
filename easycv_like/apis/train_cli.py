"""Command line of ``tools/train.py`` (also what torchrun starts in every process)."""
import argparse
from typing import Optional, Sequence

import torch.distributed as dist
from mmengine.config import DictAction
from mmengine.dist import is_main_process

from ..engine.build_runner import apply_overrides, build_runner
from ..engine.work_dir_lock import claim_work_dir
from .config import load_config
from .results import eval_names, evaluation_records, evaluation_summary


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a model from an easycv_like config.')
    parser.add_argument('config', help='config file')
    parser.add_argument('--work_dir', '--work-dir', help='output folder')
    parser.add_argument('--fp16', action='store_true',
                        help='mixed precision (bfloat16 autocast on machines without CUDA)')
    parser.add_argument('--resume', nargs='?', const='auto', default=None,
                        help="'auto' (newest checkpoint of the work dir) or a checkpoint path")
    parser.add_argument('--load_from', '--load-from', help='initial weights (partial load)')
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='allow checkpoints that need arbitrary unpickling (can run code)')
    parser.add_argument('--cfg-options', '--cfg_options', nargs='+', action=DictAction,
                        help='override config keys: a.b=1 c="x"')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm'], default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0,
                        help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    args = parse_args(argv)
    cfg = apply_overrides(load_config(args.config, args.cfg_options), args.work_dir, args.fp16,
                          args.load_from, args.resume, args.trust_checkpoint)
    with claim_work_dir(cfg.work_dir):
        build_runner(cfg, launcher=args.launcher).train()
    if is_main_process():
        unit = 'epoch' if cfg.get('total_epochs') else 'iteration'
        for line in evaluation_summary(evaluation_records(cfg.work_dir, eval_names(cfg)), unit):
            print(line)
    if dist.is_initialized():  # leaving the group cleanly: exiting with it can abort in gloo
        dist.destroy_process_group()


if __name__ == '__main__':
    main()
