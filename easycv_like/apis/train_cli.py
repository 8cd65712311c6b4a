"""Command line of ``tools/train.py`` (also what torchrun starts in every process)."""
import argparse
from typing import Optional, Sequence

from mmengine.dist import is_main_process

from ..cli.parsers import train_parser
from ..engine.build_runner import apply_overrides, build_runner
from ..engine.dist_init import process_group_left_at_exit
from ..engine.work_dir_lock import claim_work_dir
from .config import cfg_options_dict, load_config
from .cli_errors import user_errors_end_the_run
from .results import eval_names, evaluation_records, evaluation_summary


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    return train_parser().parse_args(argv)


def run(args: argparse.Namespace) -> None:
    """Train as ``args`` (parsed by ``train_parser``) say; prints the evaluation summary."""
    with process_group_left_at_exit(), user_errors_end_the_run('train.py'):
        cfg = apply_overrides(load_config(args.config, cfg_options_dict(args.cfg_options)),
                              args.work_dir, args.fp16, args.load_from, args.resume,
                              args.trust_checkpoint)
        with claim_work_dir(cfg.work_dir):
            build_runner(cfg, launcher=args.launcher).train()
        if is_main_process():
            unit = 'epoch' if cfg.get('total_epochs') else 'iteration'
            for line in evaluation_summary(evaluation_records(cfg.work_dir, eval_names(cfg)),
                                           unit):
                print(line)


def main(argv: Optional[Sequence[str]] = None) -> None:
    run(parse_args(argv))


if __name__ == '__main__':
    main()
