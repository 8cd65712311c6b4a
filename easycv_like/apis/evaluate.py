"""``evaluate()``: every dataset of a config's ``eval_pipelines`` on one checkpoint."""
import argparse
import json
from typing import Dict, Optional, Sequence

from ..cli.parsers import eval_parser
from ..engine.build_runner import apply_overrides, build_runner
from .config import cfg_options_dict, load_config


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


def run(args: argparse.Namespace) -> Dict[str, float]:
    """Evaluate as ``args`` (parsed by ``eval_parser``) say; prints and optionally writes JSON."""
    metrics = evaluate(args.config, args.checkpoint, cfg_options_dict(args.cfg_options),
                       args.work_dir, args.launcher, args.trust_checkpoint)
    print(json.dumps(metrics, indent=2))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(metrics, f, indent=2)
    return metrics


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, float]:
    return run(eval_parser().parse_args(argv))
