"""The config schema: one ``Key`` per line, grouped by top-level key.

This is the only place that knows the config format and its defaults. To add a key, add one
line to its group (and a word about it in docs/config.md, which a test compares with this file).
"""
import torch

from ...data.builder import BACKENDS
from ...registry import DATASETS, HOOKS, METRICS, MODEL_WRAPPERS, MODELS, OPTIMIZERS
from ..lr_config import POLICIES, WARMUPS
from .spec import REQUIRED, Key, flag, positive_int

LOGGER_TYPES = ('TextLoggerHook', 'JsonLoggerHook', 'TensorboardLoggerHook')
NUMBER = (float,)
# ``collate`` / ``batch_sampler`` on a dataset entry are loader options (data/loader_options.py)
LOADER_OPTIONS = ('collate', 'batch_sampler')
DATASET = Key((dict,), REQUIRED, 'a dataset config', registry=DATASETS, own=LOADER_OPTIONS)

DATA = {
    'imgs_per_gpu': positive_int(32, 'batch size per process'),
    'workers_per_gpu': Key((int,), 2, 'data-loader workers per process', minimum=0),
    'drop_last': flag(False, 'drop the last incomplete training batch'),
    'backend': Key((str,), None, 'loader of the training data (default: as its type)',
                   choices=BACKENDS),
    'train': DATASET,
    'val': Key((dict,), None, 'a dataset config', registry=DATASETS, own=LOADER_OPTIONS),
}

PARAMWISE_OPTIONS = {
    'bias_lr_mult': Key(NUMBER, None, minimum=0),
    'bias_decay_mult': Key(NUMBER, None, minimum=0),
    'norm_decay_mult': Key(NUMBER, None, minimum=0),
    'dwconv_decay_mult': Key(NUMBER, None, minimum=0),
    'flat_decay_mult': Key(NUMBER, None, minimum=0),
    'dcn_offset_lr_mult': Key(NUMBER, None, minimum=0),
    'bypass_duplicate': flag(False),
    'custom_keys': Key((dict,), None, 'parameter-name substring -> dict(lr_mult, decay_mult)'),
    'layer_decay': Key(NUMBER, None, check=(lambda v: 0 < v <= 1, 'a number in (0, 1]')),
}

OPTIMIZER = {
    'type': Key((str, type), REQUIRED),
    'lr': Key(NUMBER, REQUIRED, 'learning rate', check=(lambda v: v > 0, 'a number > 0')),
    'weight_decay': Key(NUMBER, None, minimum=0),
    'paramwise_options': Key((dict,), None, "mmengine's paramwise_cfg", sub=PARAMWISE_OPTIONS),
    'paramwise_cfg': Key((dict,), None, 'mmengine\'s name for paramwise_options',
                         sub=PARAMWISE_OPTIONS),
    'constructor': Key((str,), None, 'optimizer wrapper constructor'),
}

GRAD_CLIP = {
    'max_norm': Key(NUMBER, REQUIRED, check=(lambda v: v > 0, 'a number > 0')),
    'norm_type': Key(NUMBER, 2, minimum=0),
}

OPTIMIZER_CONFIG = {
    'grad_clip': Key((dict,), None, 'clip gradients by norm', nullable=True, sub=GRAD_CLIP),
    'update_interval': positive_int(1, 'gradient accumulation steps'),
    'nonfinite': Key((str,), 'stop', 'NaN/Inf loss policy', choices=('stop', 'skip')),
    'max_nonfinite': positive_int(10, 'consecutive skipped steps allowed'),
}

FP16 = {
    'loss_scale': Key((str, float, dict), 'dynamic', 'GradScaler scale',
                      check=(lambda v: v == 'dynamic' or not isinstance(v, str),
                             "'dynamic', a number or a dict")),
    'dtype': Key((str,), None, 'autocast dtype', choices=('float16', 'bfloat16')),
}

LR_CONFIG = {
    'policy': Key((str,), 'fixed', 'schedule', choices=POLICIES),
    'by_epoch': Key((bool,), None, 'count steps in epochs (default: as training)', nullable=True),
    'step': Key((int, list), None, 'step milestones',
                check=(lambda v: all(isinstance(s, int) and s > 0 for s in
                                     (v if isinstance(v, (list, tuple)) else [v])),
                       'a positive int or a list of them')),
    'gamma': Key(NUMBER, None, check=(lambda v: v > 0, 'a number > 0')),
    'min_lr': Key(NUMBER, None, minimum=0),
    'min_lr_ratio': Key(NUMBER, None, check=(lambda v: 0 <= v <= 1, 'a number in [0, 1]')),
    'power': Key(NUMBER, None, check=(lambda v: v > 0, 'a number > 0')),
    'warmup': Key((str,), None, 'warm-up kind', nullable=True, choices=tuple(WARMUPS)),
    'warmup_iters': Key((int,), 0, 'warm-up length', minimum=0),
    'warmup_ratio': Key(NUMBER, 0.1, 'starting factor',
                        check=(lambda v: 0 <= v <= 1, 'a number in [0, 1]')),
    'warmup_by_epoch': flag(False, 'warmup_iters counts epochs'),
    'num_last_epochs': Key((int,), None, "YOLOX: last epochs held at the floor", minimum=0),
}

CHECKPOINT_CONFIG = {
    'interval': positive_int(1, 'save every N epochs/iterations'),
    'by_epoch': Key((bool,), None, 'default: as training'),
    'max_keep_ckpts': Key((int,), -1, 'how many to keep',
                          check=(lambda v: v == -1 or v >= 1, '-1 (keep all) or a count >= 1')),
    'save_optimizer': flag(True, 'include the optimizer state'),
}

LOG_CONFIG = {
    'interval': positive_int(10, 'log every N iterations'),
    'hooks': Key((list,), [dict(type='TextLoggerHook')], 'logger kinds', items=Key(
        (dict,), REQUIRED, sub={'type': Key((str,), REQUIRED, choices=LOGGER_TYPES)})),
}

_MILESTONE_PAIRS = ('a list of (milestone, interval >= 1) pairs: milestone >= 1 counts from the '
                    'start, <= -1 from the end (-15: the 15th-last epoch); milestones increasing')


def _milestone_pairs(value) -> bool:
    """``eval_config.dynamic_intervals``: ``[(milestone, interval), ...]`` of ints, milestones
    non-zero (negative ones count from the end) and increasing among those of one sign."""
    pairs = [tuple(p) if isinstance(p, (list, tuple)) else None for p in value]
    if any(p is None or len(p) != 2 or not all(type(v) is int for v in p) or p[0] == 0
           or p[1] < 1 for p in pairs):
        return False
    ordered = [p[0] for p in pairs if p[0] > 0] + [p[0] for p in pairs if p[0] < 0]
    return ordered == [p[0] for p in pairs] and all(a < b for a, b in zip(ordered, ordered[1:]))


EVAL_CONFIG = {
    'interval': positive_int(1, 'evaluate every N epochs/iterations'),
    'initial': flag(False, 'evaluate before training'),
    'gpu_collect': flag(False, 'gather results on the GPU'),
    'save_best': Key((str,), None, 'metric to keep the best checkpoint of', nullable=True),
    'rule': Key((str,), 'greater', 'better direction of save_best', choices=('greater', 'less')),
    'dynamic_intervals': Key((list,), None, '[(from epoch/iteration (-k: k-th last), '
                                            'interval), ...]',
                             nullable=True, check=(_milestone_pairs, _MILESTONE_PAIRS)),
}

EVAL_PIPELINE = {
    'name': Key((str,), None, 'metric prefix (default val<i>)'),
    'data': DATASET,
    'evaluators': Key((list,), REQUIRED, 'metrics', items=Key((dict,), REQUIRED,
                                                              registry=METRICS)),
    'imgs_per_gpu': positive_int(None, 'batch size (default data.imgs_per_gpu)'),
}

DIST_PARAMS = {
    'backend': Key((str,), 'nccl', 'process-group backend', choices=('nccl', 'gloo', 'mpi')),
    'timeout': Key(NUMBER, None, 'seconds before a hung collective fails',
                   check=(lambda v: v > 0, 'a number > 0')),
}

LOAD_CFG = {
    'prefix': Key((str,), None, 'keep only keys under it (prefix removed)', nullable=True),
    'container': Key((str,), None, 'top-level key to open first', nullable=True),
    'exclude': Key((list,), [], 'layers that start afresh: model names neither loaded nor '
                   'required', items=Key((str,), REQUIRED)),
    'min_match': Key(NUMBER, 1.0, 'least fraction of the weights that must be found (below 1: '
                     'a partial load, accepted knowingly)',
                     check=(lambda v: 0 <= v <= 1, 'a number in [0, 1]')),
    'strict': flag(False, 'also no unused key in the file, nothing excluded'),
}

EMA = {  # absent sub-keys take the defaults of engine/ema_config.py
    'type': Key((str,), None, 'averaging rule',
                choices=('ExpMomentumEMA', 'ExponentialMovingAverage')),
    'momentum': Key(NUMBER, None, 'weight of the new weights per update',
                    check=(lambda v: 0 < v < 1, 'a number in (0, 1)')),
    'gamma': Key(NUMBER, None, 'ExpMomentumEMA ramp length (iterations)',
                 check=(lambda v: v > 0, 'a number > 0')),
    'update_buffers': Key((bool,), None, 'average buffers too (BN statistics)'),
    'interval': positive_int(None, 'update every N optimizer steps'),
    'begin_iter': Key((int,), None, 'first iteration averaged', minimum=0),
    'begin_epoch': Key((int,), None, 'first epoch averaged', minimum=0),
}

WEIGHT_DECAY_CONFIG = {
    'end_wd': Key(NUMBER, REQUIRED, 'weight decay at the end (cosine from optimizer.weight_decay)',
                  minimum=0),
}

AUTO_SCALE_LR = {
    'base_batch_size': positive_int(REQUIRED, 'images per step the optimizer lr is set for'),
    'enable': flag(True, 'scale lr by world size x imgs_per_gpu x update_interval / base'),
}

CUSTOM_IMPORTS = {
    'imports': Key((list, str), REQUIRED, 'modules to import'),
    'allow_failed_imports': flag(False),
}

SCHEMA = {
    'model': Key((dict,), REQUIRED, 'the model', registry=MODELS),
    'data': Key((dict,), REQUIRED, 'data loading', sub=DATA),
    'optimizer': Key((dict,), REQUIRED, 'the optimizer', registry=OPTIMIZERS, sub=OPTIMIZER,
                     own=('paramwise_options', 'paramwise_cfg', 'constructor')),
    'optimizer_config': Key((dict,), {}, 'optimizer wrapper options', sub=OPTIMIZER_CONFIG),
    'fp16': Key((dict,), None, 'mixed precision', nullable=True, sub=FP16),
    'lr_config': Key((dict,), {}, 'learning-rate schedule', nullable=True, sub=LR_CONFIG),
    'weight_decay_config': Key((dict,), None, 'weight-decay schedule', nullable=True,
                               sub=WEIGHT_DECAY_CONFIG),
    'auto_scale_lr': Key((dict,), None, 'linear lr scaling by the real batch', nullable=True,
                         sub=AUTO_SCALE_LR),
    'total_epochs': positive_int(None, 'training length in epochs', nullable=True),
    'total_iters': positive_int(None, 'training length in iterations', nullable=True),
    'num_last_epochs': Key((int,), None, 'length of the final phase (YOLOX: no mixing, L1 loss, '
                           'LR at the floor), filled into its consumers', nullable=True,
                           minimum=0),
    'checkpoint_config': Key((dict,), {}, 'periodic checkpoints', sub=CHECKPOINT_CONFIG),
    'log_config': Key((dict,), {}, 'logging', sub=LOG_CONFIG),
    'eval_config': Key((dict,), {}, 'evaluation during training', sub=EVAL_CONFIG),
    'eval_pipelines': Key((list,), [], 'datasets to evaluate', items=Key(
        (dict,), REQUIRED, sub=EVAL_PIPELINE)),
    'custom_hooks': Key((list,), [], 'extra hooks', nullable=True,
                        items=Key((dict,), REQUIRED, registry=HOOKS)),
    'load_from': Key((str,), None, 'initial weights', nullable=True),
    'load_cfg': Key((dict,), {}, 'how load_from is read', nullable=True, sub=LOAD_CFG),
    'ema': Key((dict,), None, 'weight EMA: evaluated, saved and served', nullable=True, sub=EMA),
    'resume_from': Key((str,), None, "checkpoint or 'auto'", nullable=True),
    'trust_checkpoint': flag(False, 'allow unsafe unpickling'),
    'dist_params': Key((dict,), {}, 'distributed options', sub=DIST_PARAMS),
    'cudnn_benchmark': flag(False),
    'seed': Key((int,), None, 'random seed', nullable=True, minimum=0),
    'deterministic': flag(False),
    'torch_threads': Key((int,), None, "the training process's torch intra-op threads (None: "
                         "torch's default)", nullable=True, minimum=1),
    'compile': Key((bool, dict), False, 'torch.compile (True or its kwargs)',
                   signature_of=torch.compile),
    'channels_last': flag(False),
    'work_dir': Key((str,), None, 'output folder', nullable=True),
    'find_unused_parameters': flag(False, 'DDP option'),
    'model_wrapper_cfg': Key((dict,), None, 'DDP wrapper config', nullable=True,
                             registry=MODEL_WRAPPERS),
    'custom_imports': Key((dict,), None, 'user modules', nullable=True, sub=CUSTOM_IMPORTS),
    'log_level': Key((str,), 'INFO', 'log level',
                     choices=('DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL')),
}

# mmengine Runner keys -> the keys of this schema that say the same (named in the error for one)
MMENGINE_KEYS = {
    'param_scheduler': 'lr_config, weight_decay_config',
    'optim_wrapper': 'optimizer, optimizer_config, fp16',
    'train_cfg': 'total_epochs / total_iters, eval_config.interval',
    'max_epochs': 'total_epochs',
    'max_iters': 'total_iters',
    'default_hooks': 'checkpoint_config, log_config',
    'train_dataloader': 'data.train, data.imgs_per_gpu, data.workers_per_gpu',
    'val_dataloader': 'eval_pipelines',
    'val_evaluator': 'eval_pipelines[*].evaluators',
    'val_cfg': 'eval_pipelines, eval_config',
    'test_dataloader': 'eval_pipelines (tools/eval.py)',
    'test_evaluator': 'eval_pipelines (tools/eval.py)',
    'test_cfg': 'eval_pipelines (tools/eval.py)',
    'env_cfg': 'dist_params, cudnn_benchmark',
    'randomness': 'seed, deterministic',
    'visualizer': 'log_config.hooks',
    'log_processor': 'log_config.interval',
    'resume': 'resume_from',
    'launcher': 'the --launcher option',
}
