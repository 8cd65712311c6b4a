"""``evaluate()``: every dataset of a config's ``eval_pipelines`` on one checkpoint."""
import argparse
import json
from typing import Dict, Optional, Sequence

from mmengine.config import DictAction

from ..engine.build_runner import apply_overrides, build_runner
from .config import load_config


def evaluate(config_path: str, checkpoint: str, cfg_options: Optional[dict] = None,
             work_dir: Optional[str] = None, launcher: str = 'none',
             trust_checkpoint: bool = False) -> Dict[str, float]:
    """Load ``checkpoint`` (``weights_only=True``) and return ``{'<name>/<metric>': value}``."""
    cfg = load_config(config_path, cfg_options)
    cfg.resume_from = None
    cfg.eval_config = dict(cfg.get('eval_config') or {}, save_best=None)  # evaluation saves nothing
    cfg = apply_overrides(cfg, work_dir, load_from=checkpoint, trust_checkpoint=trust_checkpoint)
    if not cfg.get('eval_pipelines'):
        raise ValueError(f'{config_path} has no eval_pipelines to evaluate.')
    return build_runner(cfg, launcher=launcher).val()


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description='Evaluate a checkpoint on eval_pipelines.')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--work_dir', '--work-dir', help='where logs go')
    parser.add_argument('--out', help='write the metrics to this JSON file')
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='allow checkpoints that need arbitrary unpickling (can run code)')
    parser.add_argument('--cfg-options', '--cfg_options', nargs='+', action=DictAction,
                        help='override config keys: a.b=1; a new key needs a + prefix')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm'], default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0,
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    metrics = evaluate(args.config, args.checkpoint, args.cfg_options, args.work_dir,
                       args.launcher, args.trust_checkpoint)
    print(json.dumps(metrics, indent=2))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(metrics, f, indent=2)
