"""``train()``: the Python entry point for training, in this process or under torchrun."""
import os
import socket
import subprocess
import sys
from typing import Optional, Sequence, Union

from ..engine.build_runner import apply_overrides, build_runner, check_schema
from ..engine.work_dir_lock import claim_work_dir
from .config import cfg_options_dict, load_config
from .results import eval_names, last_checkpoint, last_metrics

Options = Union[dict, Sequence[str]]  # {'a.b': 1} or --cfg-options' ['a.b=1']


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def cli_args(config_path: str, fp16: bool = False, work_dir: Optional[str] = None,
             cfg_options: Optional[Options] = None, resume: Optional[str] = None,
             load_from: Optional[str] = None, trust_checkpoint: bool = False) -> list:
    """The ``train_cli`` argument list equivalent to these ``train()`` arguments."""
    args = [config_path]
    if work_dir:
        args += ['--work_dir', work_dir]
    if fp16:
        args.append('--fp16')
    if resume:
        args += ['--resume', resume]
    if load_from:
        args += ['--load_from', load_from]
    if trust_checkpoint:
        args.append('--trust-checkpoint')
    if cfg_options:  # values as Python literals: option_value reads them back exactly
        args += ['--cfg-options'] + [f'{k}={v!r}'
                                     for k, v in cfg_options_dict(cfg_options).items()]
    return args


def train(config_path: str, gpus: int = 1, fp16: bool = False, work_dir: Optional[str] = None,
          cfg_options: Optional[Options] = None, resume: Optional[str] = None,
          load_from: Optional[str] = None, trust_checkpoint: bool = False) -> dict:
    """Train the model a config describes and return where its results are.

    Args:
        config_path: the config file.
        gpus: processes to launch; more than one runs torchrun in a subprocess (NCCL on GPUs,
            gloo on CPUs).
        fp16: mixed precision (without CUDA: bfloat16 autocast on CPUs with native bfloat16,
            else float32 with a warning).
        work_dir: output folder (default ``work_dirs/<config name>``).
        cfg_options: dotted-key overrides, e.g. ``{'model.head.num_classes': 10}`` (a nested
            dict such as ``{'model': {'head': {'num_classes': 10}}}`` says the same), or
            ``--cfg-options``' ``KEY=VALUE`` strings.
        resume: ``'auto'`` (newest checkpoint of the work dir) or a checkpoint path.
        load_from: weights to start from (no optimizer state), read as ``cfg.load_cfg`` says.
        trust_checkpoint: allow loading checkpoints that need arbitrary unpickling.

    Returns:
        ``dict(work_dir=..., checkpoint=<last checkpoint path>, metrics=<last evaluation>)``.
    """
    if isinstance(gpus, bool) or not isinstance(gpus, int):
        raise TypeError(f'train(gpus=...) takes an int (processes to launch), got {gpus!r}.')
    if gpus < 1:
        raise ValueError(f'train(gpus=...) must be at least 1, got {gpus}.')
    cfg = apply_overrides(load_config(config_path, cfg_options), work_dir, fp16, load_from,
                          resume, trust_checkpoint)
    if gpus > 1:
        check_schema(cfg)  # a config error raises here, as with gpus=1, not in every process
        cmd = [sys.executable, '-m', 'torch.distributed.run', f'--nproc_per_node={gpus}',
               f'--master_port={_free_port()}', '-m', 'easycv_like.apis.train_cli',
               *cli_args(config_path, fp16, cfg.work_dir, cfg_options, resume, load_from,
                         trust_checkpoint), '--launcher', 'pytorch']
        subprocess.run(cmd, check=True, env=dict(os.environ, OMP_NUM_THREADS=os.environ.get(
            'OMP_NUM_THREADS', '1')))
    else:
        with claim_work_dir(cfg.work_dir):
            build_runner(cfg).train()
    return dict(work_dir=os.path.abspath(cfg.work_dir), checkpoint=last_checkpoint(cfg.work_dir),
                metrics=last_metrics(cfg.work_dir, eval_names(cfg)))
