"""The one place that turns an easycv_like config (the EasyCV-style schema of docs/config.md)
into an mmengine Runner. Nothing else in the package knows mmengine's own config keys."""
import copy
import itertools
import logging
import os.path as osp
from typing import List, Optional, Sequence

import torch
import torch.distributed as dist
from mmengine.config import Config
from mmengine.dist import sync_random_seed
from mmengine.logging import print_log
from mmengine.hooks import Hook
from mmengine.runner import Runner, set_random_seed

from .. import config_path
from ..data.builder import build_dataloader
from ..models.channels_last import to_channels_last
from ..registry import HOOKS, MODELS, SCOPE
from ..utils.checkpoint import set_trust_checkpoints
from .auto_scale_lr import runner_auto_scale_lr
from .config_schema import ConfigError, section, validate_config
from .cpu_precision import cpu_has_fast_bf16, slow_bf16_reason
from .dist_init import check_launcher_env, init_torchrun_process_group, process_group_timeout
from .ema_config import ema_hook_cfg
from .engine_hooks import check_custom_hooks
from .global_batch_check import check_global_batch
from .eval_data import resolve_eval_data
from .hooks.weight_load_hook import weight_load_hooks
from .last_epochs import fill_last_epochs
from .lr_config import lr_config_to_schedulers
from .model_hooks import add_model_hooks
from .resume import find_resume_checkpoint
from .weight_decay_config import move_legacy_weight_decay_hook, weight_decay_schedulers

# mmengine keys its visualizer, logger and message hub by experiment name (config name + a
# timestamp in seconds): two runs built in one process within a second would share them, and the
# second would log into the first one's work dir. A per-process counter keeps names apart.
_RUN_NUMBER = itertools.count()


def check_schema(cfg: Config) -> Config:
    """``cfg`` checked against the schema (``config_schema/keys.py``), defaults filled in, after
    ``eval_pipelines``' split names (``data='val'``) are resolved to the merged ``data`` entries,
    ``custom_hooks`` checked for hooks the engine builds itself (``engine_hooks.py``); then
    ``num_last_epochs`` / ``total_epochs`` filled into their consumers (``last_epochs.py``).

    Raises ``ConfigError`` (a ``KeyError`` and a ``ValueError``) naming the dotted key.
    """
    cfg = validate_config(move_legacy_weight_decay_hook(resolve_eval_data(cfg)))
    check_custom_hooks(cfg)
    return fill_last_epochs(cfg)


def _config_name(cfg: Config) -> str:
    return osp.splitext(osp.basename(cfg.filename or 'run'))[0]


def apply_overrides(cfg: Config, work_dir: Optional[str] = None, fp16: bool = False,
                    load_from: Optional[str] = None, resume: Optional[str] = None,
                    trust_checkpoint: bool = False) -> Config:
    """Fold command-line choices into a copy of ``cfg`` so the saved config is the resolved one.

    An empty string for a path is an error (``ConfigError``), not the default, and so is a
    ``work_dir`` that is a file."""
    for flag, value in (('work_dir', work_dir), ('load_from', load_from), ('resume', resume)):
        if value is not None and not str(value).strip():
            raise ConfigError(f'--{flag} is an empty string; give a path or leave it out.')
    cfg = copy.deepcopy(cfg)
    if work_dir:
        cfg.work_dir = work_dir
    elif not cfg.get('work_dir'):
        cfg.work_dir = osp.join('work_dirs', _config_name(cfg))
    if osp.exists(cfg.work_dir) and not osp.isdir(cfg.work_dir):
        raise ConfigError(f'work_dir {cfg.work_dir} is a file, not a folder.')
    if fp16 and cfg.get('fp16') is None:
        cfg.fp16 = dict(loss_scale='dynamic')
    if load_from:
        cfg.load_from = load_from
    if resume:
        cfg.resume_from = resume
    if trust_checkpoint:
        cfg.trust_checkpoint = True
    return cfg


def _optim_wrapper(cfg: Config) -> dict:
    optimizer = copy.deepcopy(dict(section(cfg, 'optimizer')))
    paramwise = optimizer.pop('paramwise_options', None)
    paramwise = optimizer.pop('paramwise_cfg', None) or paramwise  # mmengine's name for it
    constructor = optimizer.pop('constructor', None)
    opt_cfg = section(cfg, 'optimizer_config')
    wrapper = dict(type=f'{SCOPE}.GuardedOptimWrapper', optimizer=optimizer,
                   accumulative_counts=opt_cfg['update_interval'],
                   nonfinite=opt_cfg['nonfinite'], max_nonfinite=opt_cfg['max_nonfinite'])
    if constructor or paramwise:  # paramwise: frozen parameters logged once, not one by one
        wrapper['constructor'] = constructor or f'{SCOPE}.TrainableParamsOptimWrapperConstructor'
    if opt_cfg.get('grad_clip'):
        wrapper['clip_grad'] = dict(opt_cfg['grad_clip'])
    if paramwise:
        wrapper['paramwise_cfg'] = dict(paramwise)
    fp16 = section(cfg, 'fp16')
    if fp16 is not None:
        if torch.cuda.is_available():
            wrapper.update(type=f'{SCOPE}.GuardedAmpOptimWrapper',
                           loss_scale=fp16['loss_scale'])
            if fp16.get('dtype'):
                wrapper['dtype'] = fp16['dtype']
        elif cpu_has_fast_bf16():
            print_log('fp16 requested but CUDA is not available: training with bfloat16 '
                      'autocast on the CPU instead (no loss scaling needed).',
                      logger='current', level=logging.WARNING)
            wrapper.update(type=f'{SCOPE}.GuardedCpuAutocastOptimWrapper', dtype='bfloat16')
        else:
            print_log(f'fp16 requested but CUDA is not available and {slow_bf16_reason()}: '
                      'training in float32 instead.', logger='current', level=logging.WARNING)
    return wrapper


def _uses_autocast(cfg: Config) -> bool:
    """``fp16`` is set and this machine runs it fast (CUDA, or a CPU with native bfloat16)."""
    return cfg.get('fp16') is not None and (torch.cuda.is_available() or cpu_has_fast_bf16())


def _val_setup(cfg: Config, by_epoch: bool):
    """``eval_pipelines`` -> (val_dataloader placeholder, val_cfg, val_evaluator placeholder)."""
    if not cfg.eval_pipelines:
        return None, None, None
    collect = 'gpu' if cfg.eval_config.gpu_collect else 'cpu'
    entries = []
    for entry in cfg.eval_pipelines:
        evaluators = [dict(e, collect_device=collect) for e in entry['evaluators']]
        data = dict(cfg.data, imgs_per_gpu=entry['imgs_per_gpu'])
        entries.append(dict(name=entry['name'], evaluators=evaluators,
                            data=build_dataloader(data, entry['data'], False, None,
                                                  f"eval_pipelines {entry['name']!r} data")))
    val_cfg = dict(type=f'{SCOPE}.MultiDatasetValLoop', pipelines=entries,
                   fp16=_uses_autocast(cfg))
    return entries[0]['data'], val_cfg, entries[0]['evaluators']


def _train_cfg(cfg: Config, by_epoch: bool) -> dict:
    interval = cfg.eval_config.interval
    if by_epoch:
        loop = dict(type=f'{SCOPE}.ResumableEpochBasedTrainLoop', max_epochs=cfg.total_epochs,
                    val_interval=interval)
    else:
        loop = dict(type=f'{SCOPE}.ResumableIterBasedTrainLoop', max_iters=cfg.total_iters,
                    val_interval=interval)
    if cfg.eval_config.get('dynamic_intervals'):  # mmengine's loops take (milestone, interval)
        loop['dynamic_intervals'] = resolve_dynamic_intervals(
            cfg.eval_config.dynamic_intervals, cfg.total_epochs if by_epoch else cfg.total_iters)
    return loop


def resolve_dynamic_intervals(pairs: Sequence, total: int) -> List[tuple]:
    """``eval_config.dynamic_intervals`` as mmengine takes them: a negative milestone ``-k``
    (the k-th last epoch or iteration) becomes ``total - k + 1`` (at least 1: "the last 15" of
    a shorter run is all of it), so a recipe's "every epoch of the last 15" follows
    ``total_epochs``. A positive milestone past ``total`` would never take effect: an error."""
    resolved = [(max(total + 1 + m, 1) if m < 0 else m, interval) for m, interval in pairs]
    past = [tuple(p) for p in pairs if p[0] > total]
    if past:
        raise ConfigError(f'eval_config.dynamic_intervals {past} start after the run ends '
                          f'({total}): they would never take effect. Count from the end with a '
                          'negative milestone (-15: the 15th-last) or change them.')
    if any(a[0] >= b[0] for a, b in zip(resolved, resolved[1:])):
        raise ConfigError(f'eval_config.dynamic_intervals {list(pairs)} are {resolved} for a '
                          f'run of {total}: the milestones must increase.')
    return resolved


def _default_hooks(cfg: Config, by_epoch: bool) -> dict:
    ckpt, eval_cfg = cfg.checkpoint_config, cfg.eval_config
    checkpoint = dict(type=f'{SCOPE}.CheckpointHook', interval=ckpt.interval,
                      by_epoch=ckpt.by_epoch, max_keep_ckpts=ckpt.max_keep_ckpts,
                      save_optimizer=ckpt.save_optimizer, save_last=True)
    if eval_cfg.get('save_best'):
        checkpoint.update(save_best=eval_cfg.save_best, rule=eval_cfg.rule)
    return dict(timer=dict(type='IterTimerHook'),
                # evaluations are logged at the epoch, or at the iteration of an
                # iteration-based run (mmengine's default would log them all at epoch 0)
                logger=dict(type='LoggerHook', interval=cfg.log_config.interval,
                            log_metric_by_epoch=by_epoch),
                param_scheduler=dict(type='ParamSchedulerHook'),
                checkpoint=checkpoint,
                sampler_seed=dict(type='DistSamplerSeedHook'))


def _visualizer(cfg: Config) -> dict:
    types = {h['type'] for h in cfg.log_config.hooks}  # the schema allows LOGGER_TYPES only
    backends = [dict(type='LocalVisBackend')]
    if 'TensorboardLoggerHook' in types:
        backends.append(dict(type='TensorboardVisBackend'))
    return dict(type='Visualizer', vis_backends=backends)


def _config_hook(hook: dict, path: str) -> Hook:
    """A hook the config asks for, built here rather than by the Runner so that a
    ``ConfigError`` of its constructor names its entry (``custom_hooks[1]: ...``)."""
    hook = dict(hook)
    priority = hook.pop('priority', None)  # as Runner.register_hook reads it
    with config_path.entry(path, hook):
        built = HOOKS.build(hook)
    if priority is not None:
        built.priority = priority
    return built


def _custom_hooks(cfg: Config) -> list:
    hooks = [dict(type=f'{SCOPE}.{name}')
             for name in ('PlainStateHook', 'RNGStateHook', 'PreemptionHook',
                          'ClassCountCheckHook', 'EpochLengthCheckHook')]
    hooks += [_config_hook(h, f'custom_hooks[{i}]') for i, h in enumerate(cfg.custom_hooks or [])]
    ema = ema_hook_cfg(cfg.get('ema'))
    if ema is not None:
        hooks.append(_config_hook(ema, 'ema'))
    if cfg.eval_config.initial and cfg.eval_pipelines:
        hooks.append(dict(type=f'{SCOPE}.InitialEvalHook'))
    return hooks


def _env_cfg(cfg: Config, launcher: str) -> dict:
    dist = dict(cfg.dist_params, backend=_dist_backend(cfg))
    return dict(cudnn_benchmark=cfg.cudnn_benchmark, dist_cfg=dist,
                mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0))


def _dist_backend(cfg: Config) -> str:
    """``dist_params.backend``, except gloo on machines without CUDA."""
    return cfg.dist_params['backend'] if torch.cuda.is_available() else 'gloo'


def _init_process_group(cfg: Config, launcher: str) -> None:
    """Join torchrun's group ourselves (gloo on CPU, ``dist_params.backend`` on GPU), so the
    timeout applies and restarts get fresh store keys (see ``dist_init.py``); mmengine's
    ``init_dist`` also calls ``torch.cuda.set_device``, which fails without a GPU."""
    if dist.is_initialized():
        return
    if launcher == 'slurm':  # mmengine joins slurm's group; torchrun's is checked when joined
        check_launcher_env(launcher)
    if launcher != 'pytorch':
        return
    init_torchrun_process_group(_dist_backend(cfg), process_group_timeout(cfg.dist_params))


def _build_model(cfg: Config) -> torch.nn.Module:
    with config_path.entry('model', cfg.model):
        model = MODELS.build(cfg.model)
    return to_channels_last(model) if cfg.channels_last else model


def _runner_cfg(cfg: Config) -> Config:
    """The config the Runner keeps (dumped to the work dir, in every checkpoint's meta).

    mmengine reads two keys of it itself: ``compile`` (torch.compile options) and
    ``model_wrapper_cfg`` (the DDP wrapper); both are set here from the validated values.
    """
    runner_cfg = copy.deepcopy(cfg)
    runner_cfg.compile = cfg.compile
    runner_cfg.model_wrapper_cfg = cfg.get('model_wrapper_cfg') or dict(
        type=f'{SCOPE}.DeviceAgnosticDDP', broadcast_buffers=False,
        find_unused_parameters=cfg.find_unused_parameters)
    return runner_cfg


def run_seed(seed: Optional[int], resumed_seed: Optional[int]) -> int:
    """The run's seed: ``seed``; with ``seed=None`` the resumed run's, else a fresh one (the same
    on every rank). Drawn here rather than by the Runner, because the data order and augmentation
    of ``data.train`` take it before the Runner exists: a resumed ``seed=None`` run got a new
    shuffle, so a mid-epoch resume repeated some samples and skipped others."""
    if seed is not None:
        return seed
    return resumed_seed if resumed_seed is not None else sync_random_seed()


def build_runner(cfg: Config, launcher: str = 'none') -> Runner:
    """Validate ``cfg`` (already passed through :func:`apply_overrides`) and build the Runner."""
    cfg = check_schema(cfg)
    by_epoch = cfg.get('total_epochs') is not None
    total = cfg.total_epochs if by_epoch else cfg.total_iters
    set_trust_checkpoints(cfg.trust_checkpoint)
    _init_process_group(cfg, launcher)
    resume, load_from, resumed_seed = find_resume_checkpoint(cfg)
    val_loader, val_cfg, val_evaluator = _val_setup(cfg, by_epoch)
    if cfg.get('torch_threads') is not None:
        torch.set_num_threads(cfg.torch_threads)
    seed = run_seed(cfg.get('seed'), resumed_seed)
    set_random_seed(seed, deterministic=cfg.deterministic)  # the model is built before the Runner
    model = _build_model(cfg)
    check_global_batch(model, cfg.data, launcher)
    return Runner(
        model=model,
        work_dir=cfg.work_dir,
        train_dataloader=build_dataloader(cfg.data, cfg.data.train, True, seed,
                                          'data.train'),
        val_dataloader=val_loader, val_cfg=val_cfg, val_evaluator=val_evaluator,
        train_cfg=_train_cfg(cfg, by_epoch),
        optim_wrapper=_optim_wrapper(cfg),
        param_scheduler=lr_config_to_schedulers(cfg.lr_config, by_epoch, total)
        + weight_decay_schedulers(cfg.get('weight_decay_config'), by_epoch, total),
        auto_scale_lr=runner_auto_scale_lr(cfg.get('auto_scale_lr'),
                                           cfg.optimizer_config.update_interval),
        default_hooks=_default_hooks(cfg, by_epoch),
        custom_hooks=add_model_hooks(_custom_hooks(cfg), model)
        + weight_load_hooks(load_from, resume, cfg.load_cfg),
        load_from=load_from, resume=resume,
        launcher=launcher,
        env_cfg=_env_cfg(cfg, launcher),
        log_processor=dict(by_epoch=by_epoch, window_size=cfg.log_config.interval),
        log_level=cfg.log_level,
        visualizer=_visualizer(cfg),
        default_scope=SCOPE,
        randomness=dict(seed=seed, deterministic=cfg.deterministic),
        experiment_name=f'{_config_name(cfg)}-{next(_RUN_NUMBER)}',
        cfg=_runner_cfg(cfg))
