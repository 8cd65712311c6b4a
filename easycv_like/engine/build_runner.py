"""The one place that turns an easycv_like config (the EasyCV-style schema of docs/config.md)
into an mmengine Runner. Nothing else in the package knows mmengine's own config keys."""
import copy
import datetime
import difflib
import inspect
import logging
import os.path as osp
from typing import Optional, Union

import torch
import torch.distributed as dist
from mmengine.config import Config
from mmengine.logging import print_log
from mmengine.runner import Runner, set_random_seed

from ..data.dali import DaliBaseDataset, DALILoader
from ..registry import DATASETS, MODELS, SCOPE
from ..utils.checkpoint import set_trust_checkpoints
from .eval_data import resolve_eval_data
from .loader_options import pop_loader_options, use_batch_sampler
from .cpu_precision import cpu_has_fast_bf16, slow_bf16_reason
from .lr_config import lr_config_to_schedulers
from .model_hooks import add_model_hooks
from .resume import find_resume_checkpoint

SCHEMA_KEYS = frozenset({
    'model', 'data', 'optimizer', 'optimizer_config', 'fp16', 'lr_config', 'total_epochs',
    'total_iters', 'checkpoint_config', 'log_config', 'eval_config', 'eval_pipelines',
    'custom_hooks', 'load_from', 'resume_from', 'dist_params', 'cudnn_benchmark', 'seed',
    'deterministic', 'compile', 'channels_last', 'work_dir', 'custom_imports', 'log_level',
    'find_unused_parameters', 'model_wrapper_cfg', 'trust_checkpoint'})
LOGGER_TYPES = {'TextLoggerHook', 'JsonLoggerHook', 'TensorboardLoggerHook'}


def check_schema(cfg: Config) -> None:
    """Raise ``KeyError`` naming every unknown top-level key (and the closest known ones)."""
    unknown = sorted(k for k in cfg.keys() if k not in SCHEMA_KEYS and not k.startswith('_'))
    if unknown:
        hints = [f"'{k}' (did you mean {difflib.get_close_matches(k, SCHEMA_KEYS, 1)[0]!r}?)"
                 if difflib.get_close_matches(k, SCHEMA_KEYS, 1) else f"'{k}'" for k in unknown]
        raise KeyError(f"Unknown top-level config key(s): {', '.join(hints)}. "
                       'The schema is documented in docs/config.md.')
    if (cfg.get('total_epochs') is None) == (cfg.get('total_iters') is None):
        raise KeyError('Set exactly one of total_epochs / total_iters.')
    if 'model' not in cfg:
        raise KeyError("The config has no 'model'.")


def apply_overrides(cfg: Config, work_dir: Optional[str] = None, fp16: bool = False,
                    load_from: Optional[str] = None, resume: Optional[str] = None,
                    trust_checkpoint: bool = False) -> Config:
    """Fold command-line choices into a copy of ``cfg`` so the saved config is the resolved one."""
    cfg = copy.deepcopy(cfg)
    if work_dir:
        cfg.work_dir = work_dir
    elif not cfg.get('work_dir'):
        name = osp.splitext(osp.basename(cfg.filename or 'run'))[0]
        cfg.work_dir = osp.join('work_dirs', name)
    if fp16 and cfg.get('fp16') is None:
        cfg.fp16 = dict(loss_scale='dynamic')
    if load_from:
        cfg.load_from = load_from
    if resume:
        cfg.resume_from = resume
    if trust_checkpoint:
        cfg.trust_checkpoint = True
    return cfg


def _dataset_class(dataset_cfg: dict) -> type:
    kind = dataset_cfg['type']
    return DATASETS.get(kind) if isinstance(kind, str) else kind


def _accepts(dataset_cfg: dict, arg: str) -> bool:
    return arg in inspect.signature(_dataset_class(dataset_cfg)).parameters


def _dali_loader(data: dict, dataset: dict, train: bool, seed: Optional[int]) -> DALILoader:
    """A DALI dataset runs its own pipeline: the Runner gets a ready loader (a DataLoader to it)."""
    if seed is not None:
        dataset.setdefault('seed', seed)
    return DALILoader(DATASETS.build(dataset), batch_size=data.get('imgs_per_gpu', 32),
                      shuffle=train, drop_last=train and data.get('drop_last', False),
                      num_threads=data.get('workers_per_gpu', 2))


def _loader_cfg(data: dict, dataset: dict, train: bool,
                seed: Optional[int]) -> Union[dict, DALILoader]:
    dataset = copy.deepcopy(dataset)
    if issubclass(_dataset_class(dataset), DaliBaseDataset):
        return _dali_loader(data, dataset, train, seed)
    collate_fn, batch_sampler = pop_loader_options(dataset)
    if seed is not None and 'seed' not in dataset and _accepts(dataset, 'seed'):
        dataset['seed'] = seed
    return use_batch_sampler(dict(
        batch_size=data.get('imgs_per_gpu', 32),
        num_workers=data.get('workers_per_gpu', 2),
        persistent_workers=False,
        pin_memory=torch.cuda.is_available(),
        drop_last=train and data.get('drop_last', False),
        sampler=dict(type=f'{SCOPE}.EpochIndexSampler', shuffle=train),
        collate_fn=collate_fn,
        # workers' base seed from a private generator, so creating a loader never advances the
        # global torch RNG (a resumed run then continues the original random stream)
        generator=torch.Generator().manual_seed(seed or 0),
        dataset=dataset), batch_sampler)


def _optim_wrapper(cfg: Config) -> dict:
    optimizer = copy.deepcopy(dict(cfg.optimizer))
    paramwise = optimizer.pop('paramwise_options', None)
    constructor = optimizer.pop('constructor', None)
    opt_cfg = cfg.get('optimizer_config') or {}
    wrapper = dict(type=f'{SCOPE}.GuardedOptimWrapper', optimizer=optimizer,
                   accumulative_counts=opt_cfg.get('update_interval', 1),
                   nonfinite=opt_cfg.get('nonfinite', 'stop'),
                   max_nonfinite=opt_cfg.get('max_nonfinite', 10))
    if constructor:
        wrapper['constructor'] = constructor
    if opt_cfg.get('grad_clip'):
        wrapper['clip_grad'] = dict(opt_cfg['grad_clip'])
    if paramwise:
        wrapper['paramwise_cfg'] = dict(paramwise)
    fp16 = cfg.get('fp16')
    if fp16 is not None:
        if torch.cuda.is_available():
            wrapper.update(type=f'{SCOPE}.GuardedAmpOptimWrapper',
                           loss_scale=fp16.get('loss_scale', 'dynamic'))
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
    pipelines = cfg.get('eval_pipelines') or []
    if not pipelines:
        return None, None, None
    eval_cfg = cfg.get('eval_config') or {}
    collect = 'gpu' if eval_cfg.get('gpu_collect') else 'cpu'
    entries = []
    for i, entry in enumerate(pipelines):
        evaluators = [dict(e, collect_device=collect) for e in entry['evaluators']]
        data = dict(cfg.data, imgs_per_gpu=entry.get('imgs_per_gpu', cfg.data.get(
            'imgs_per_gpu', 32)))
        entries.append(dict(name=entry.get('name', f'val{i}'), evaluators=evaluators,
                            data=_loader_cfg(data, entry['data'], False, None)))
    val_cfg = dict(type=f'{SCOPE}.MultiDatasetValLoop', pipelines=entries,
                   fp16=_uses_autocast(cfg))
    return entries[0]['data'], val_cfg, entries[0]['evaluators']


def _train_cfg(cfg: Config, by_epoch: bool) -> dict:
    interval = (cfg.get('eval_config') or {}).get('interval', 1)
    if by_epoch:
        return dict(type=f'{SCOPE}.ResumableEpochBasedTrainLoop', max_epochs=cfg.total_epochs,
                    val_interval=interval)
    return dict(type=f'{SCOPE}.ResumableIterBasedTrainLoop', max_iters=cfg.total_iters,
                val_interval=interval)


def _default_hooks(cfg: Config, by_epoch: bool) -> dict:
    ckpt = dict(cfg.get('checkpoint_config') or {})
    eval_cfg = cfg.get('eval_config') or {}
    log_cfg = cfg.get('log_config') or {}
    checkpoint = dict(type=f'{SCOPE}.CheckpointHook', interval=ckpt.get('interval', 1),
                      by_epoch=ckpt.get('by_epoch', by_epoch),
                      max_keep_ckpts=ckpt.get('max_keep_ckpts', -1),
                      save_optimizer=ckpt.get('save_optimizer', True), save_last=True)
    if eval_cfg.get('save_best'):
        checkpoint.update(save_best=eval_cfg['save_best'], rule=eval_cfg.get('rule', 'greater'))
    return dict(timer=dict(type='IterTimerHook'),
                logger=dict(type='LoggerHook', interval=log_cfg.get('interval', 10)),
                param_scheduler=dict(type='ParamSchedulerHook'),
                checkpoint=checkpoint,
                sampler_seed=dict(type='DistSamplerSeedHook'))


def _visualizer(cfg: Config) -> dict:
    hooks = (cfg.get('log_config') or {}).get('hooks', [dict(type='TextLoggerHook')])
    types = {h['type'] for h in hooks}
    if types - LOGGER_TYPES:
        raise KeyError(f'Unknown log_config hook(s) {sorted(types - LOGGER_TYPES)}; '
                       f'choose from {sorted(LOGGER_TYPES)}.')
    backends = [dict(type='LocalVisBackend')]
    if 'TensorboardLoggerHook' in types:
        backends.append(dict(type='TensorboardVisBackend'))
    return dict(type='Visualizer', vis_backends=backends)


def _custom_hooks(cfg: Config) -> list:
    hooks = [dict(type=f'{SCOPE}.{name}')
             for name in ('PlainStateHook', 'RNGStateHook', 'PreemptionHook',
                          'ClassCountCheckHook')]
    hooks += [dict(h) for h in cfg.get('custom_hooks') or []]
    if (cfg.get('eval_config') or {}).get('initial') and cfg.get('eval_pipelines'):
        hooks.append(dict(type=f'{SCOPE}.InitialEvalHook'))
    return hooks


def _env_cfg(cfg: Config, launcher: str) -> dict:
    dist = dict(cfg.get('dist_params') or {})
    if not torch.cuda.is_available():
        dist['backend'] = 'gloo'
    dist.setdefault('backend', 'nccl')
    return dict(cudnn_benchmark=cfg.get('cudnn_benchmark', False), dist_cfg=dist,
                mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0))


def _init_cpu_process_group(cfg: Config, launcher: str) -> None:
    """Join torchrun's gloo group ourselves on CPU machines: mmengine's ``init_dist`` always calls
    ``torch.cuda.set_device``, which fails without a GPU."""
    if launcher != 'pytorch' or torch.cuda.is_available() or dist.is_initialized():
        return
    timeout = (cfg.get('dist_params') or {}).get('timeout')
    kwargs = dict(timeout=datetime.timedelta(seconds=timeout)) if timeout else {}
    dist.init_process_group(backend='gloo', **kwargs)


def _build_model(cfg: Config) -> torch.nn.Module:
    model = MODELS.build(cfg.model)
    if cfg.get('channels_last'):
        model = model.to(memory_format=torch.channels_last)
        if hasattr(model.data_preprocessor, 'channels_last'):
            model.data_preprocessor.channels_last = True
    return model


def build_runner(cfg: Config, launcher: str = 'none') -> Runner:
    """Validate ``cfg`` (already passed through :func:`apply_overrides`) and build the Runner."""
    check_schema(cfg)
    cfg = resolve_eval_data(cfg)  # eval_pipelines' data='val' -> data.val, after merging
    by_epoch = cfg.get('total_epochs') is not None
    total = cfg.total_epochs if by_epoch else cfg.total_iters
    set_trust_checkpoints(cfg.get('trust_checkpoint', False))
    _init_cpu_process_group(cfg, launcher)
    resume, load_from = find_resume_checkpoint(cfg)
    runner_cfg = copy.deepcopy(cfg)
    runner_cfg.setdefault('model_wrapper_cfg', dict(
        type=f'{SCOPE}.DeviceAgnosticDDP', broadcast_buffers=False,
        find_unused_parameters=cfg.get('find_unused_parameters', False)))
    val_loader, val_cfg, val_evaluator = _val_setup(cfg, by_epoch)
    seed = cfg.get('seed')
    if seed is not None:  # the model is built before the Runner seeds: seed its init here
        set_random_seed(seed, deterministic=cfg.get('deterministic', False))
    model = _build_model(cfg)
    return Runner(
        model=model,
        work_dir=cfg.work_dir,
        train_dataloader=_loader_cfg(cfg.data, cfg.data.train, True, seed),
        val_dataloader=val_loader, val_cfg=val_cfg, val_evaluator=val_evaluator,
        train_cfg=_train_cfg(cfg, by_epoch),
        optim_wrapper=_optim_wrapper(cfg),
        param_scheduler=lr_config_to_schedulers(cfg.get('lr_config'), by_epoch, total),
        default_hooks=_default_hooks(cfg, by_epoch),
        custom_hooks=add_model_hooks(_custom_hooks(cfg), model),
        load_from=load_from, resume=resume,
        launcher=launcher,
        env_cfg=_env_cfg(cfg, launcher),
        log_processor=dict(by_epoch=by_epoch,
                           window_size=(cfg.get('log_config') or {}).get('interval', 10)),
        log_level=cfg.get('log_level', 'INFO'),
        visualizer=_visualizer(cfg),
        default_scope=SCOPE,
        randomness=dict(seed=seed, deterministic=cfg.get('deterministic', False)),
        cfg=runner_cfg)
