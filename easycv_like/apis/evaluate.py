"""``evaluate()``: every dataset of a config's ``eval_pipelines`` on one checkpoint.

The checkpoint's weights must fit the config's model exactly, and its class list (saved in
``meta['dataset_meta']`` by training) must be the evaluation datasets': ImageFolder splits without
a class list are labelled with the checkpoint's classes.
"""
import argparse
import json
from typing import Dict, Optional, Sequence

from mmengine.dist import is_main_process

from ..cli.parsers import eval_parser
from ..engine.build_runner import apply_overrides, build_runner
from ..engine.class_checks import check_num_classes, check_same_classes, dataset_classes
from ..engine.dist_init import process_group_left_at_exit
from ..engine.eval_data import resolve_eval_data
from ..predictors.model_task import stored_model_note
from ..utils.checkpoint import load_checkpoint_file
from ..utils.weight_loading import WeightLoadError, load_weights
from .config import cfg_options_dict, load_config
from .cli_errors import check_output_file, user_errors_end_the_run


def checkpoint_classes(checkpoint: dict) -> Optional[list]:
    """The class list a training run stored in the checkpoint (None when it had none)."""
    meta = checkpoint.get('meta') if isinstance(checkpoint, dict) else None
    return ((meta or {}).get('dataset_meta') or {}).get('classes')


def evaluate(config_path: str, checkpoint: str, cfg_options: Optional[dict] = None,
             work_dir: Optional[str] = None, launcher: str = 'none',
             trust_checkpoint: bool = False) -> Dict[str, float]:
    """Load ``checkpoint`` (``weights_only=True``) and return ``{'<name>/<metric>': value}``.

    Raises:
        ValueError: the weights do not fit the model (naming the keys), or the checkpoint's
            classes differ from an evaluation dataset's (``ClassMismatchError``).
    """
    cfg = load_config(config_path, cfg_options)
    cfg.resume_from = None
    cfg.load_from = None  # the checkpoint is loaded below, strictly
    cfg.eval_config = dict(cfg.get('eval_config') or {}, save_best=None)  # evaluation saves nothing
    cfg = apply_overrides(cfg, work_dir, trust_checkpoint=trust_checkpoint)
    if not cfg.get('eval_pipelines'):
        raise ValueError(f'{config_path} has no eval_pipelines to evaluate.')
    ckpt = load_checkpoint_file(checkpoint, map_location='cpu', trust=trust_checkpoint)
    classes = checkpoint_classes(ckpt)
    runner = build_runner(resolve_eval_data(cfg, classes), launcher=launcher)
    model = getattr(runner.model, 'module', runner.model)
    try:
        load_weights(model, ckpt, strict=True, source=checkpoint)
    except WeightLoadError as err:
        note = stored_model_note(ckpt, model, checkpoint)  # another model type, when stored
        lead = f'{note}\n' if note else ''
        raise WeightLoadError(f'{lead}{err}\nThe weights do not fit '
                              'the config\'s model: use the config the checkpoint was trained '
                              'with (a classification config needs a checkpoint with a trained '
                              'head, not an SSL one).') from None
    for name, loader, _ in runner.val_loop.entries:
        found, origin = dataset_classes(loader.dataset)
        check_same_classes(classes, f'checkpoint {checkpoint}', found,
                           f'eval_pipelines {name!r} ({origin})')
        check_num_classes(runner.model, found, f'eval_pipelines {name!r} ({origin})')
    return runner.val()


def run(args: argparse.Namespace) -> Dict[str, float]:
    """Evaluate as ``args`` (parsed by ``eval_parser``) say; prints and optionally writes JSON."""
    with process_group_left_at_exit(), user_errors_end_the_run('eval.py'):
        if args.out:
            check_output_file(args.out, '--out')
        metrics = evaluate(args.config, args.checkpoint, cfg_options_dict(args.cfg_options),
                           args.work_dir, args.launcher, args.trust_checkpoint)
        if is_main_process():  # every rank holds the gathered metrics; one prints and writes
            print(json.dumps(metrics, indent=2))
            if args.out:
                with open(args.out, 'w') as f:
                    json.dump(metrics, f, indent=2)
    return metrics


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, float]:
    return run(eval_parser().parse_args(argv))
