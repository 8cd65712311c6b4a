"""The typed config schema (engine/config_schema): unknown keys at any depth, types, ranges,
``type=`` arguments, defaults, and docs/config.md agreeing with it."""
import copy
import os.path as osp
import re

import pytest
from mmengine.config import Config

from easycv_like.engine.build_runner import _optim_wrapper, _runner_cfg, check_schema
from easycv_like.engine.config_schema import SCHEMA, ConfigError, iter_schema, validate_config
from easycv_like.engine.config_schema.type_args import accepted_arguments

from ..conftest import REPO

_DATASET = dict(type='ClsDataset', data_source=dict(type='ImageList', list_file='train.txt'),
                pipeline=[dict(type='LoadImage'), dict(type='PackInputs')])
VALID = dict(
    model=dict(type='Classification', backbone=dict(type='ResNet', depth=18),
               head=dict(type='ClsHead', in_channels=512, num_classes=10)),
    data=dict(imgs_per_gpu=16, workers_per_gpu=0, train=_DATASET),
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9),
    optimizer_config=dict(update_interval=2, grad_clip=dict(max_norm=5.0)),
    lr_config=dict(policy='CosineAnnealing', warmup='linear', warmup_iters=2),
    checkpoint_config=dict(interval=2, max_keep_ckpts=3),
    eval_config=dict(interval=1),
    eval_pipelines=[dict(name='val', data=_DATASET,
                         evaluators=[dict(type='ClsEvaluator', topk=(1,))])],
    total_epochs=2)


def _cfg(**changes) -> Config:
    """``VALID`` with dotted-key changes (``mmengine`` merge semantics)."""
    cfg = Config(copy.deepcopy(VALID))
    cfg.merge_from_dict(changes)
    return cfg


def _error(cfg: Config) -> str:
    with pytest.raises(ConfigError) as err:
        validate_config(cfg)
    return str(err.value)


def test_valid_config_gets_the_schema_defaults():
    cfg = validate_config(_cfg())
    assert cfg.data.imgs_per_gpu == 16 and cfg.data.drop_last is False
    assert cfg.optimizer_config.update_interval == 2
    assert cfg.optimizer_config.nonfinite == 'stop' and cfg.optimizer_config.max_nonfinite == 10
    assert cfg.optimizer_config.grad_clip == dict(max_norm=5.0, norm_type=2)
    assert cfg.checkpoint_config == dict(interval=2, max_keep_ckpts=3, by_epoch=True,
                                         save_optimizer=True)
    assert cfg.log_config == dict(interval=10, hooks=[dict(type='TextLoggerHook')])
    assert cfg.eval_pipelines[0].imgs_per_gpu == 16  # as data.imgs_per_gpu
    assert cfg.lr_config.warmup_ratio == 0.1 and cfg.compile is False
    assert 'fp16' not in cfg and 'seed' not in cfg  # optional keys stay absent


def test_defaults_depend_on_other_keys():
    cfg = validate_config(_cfg(total_epochs=None, total_iters=50,
                               eval_pipelines=[dict(data=_DATASET, evaluators=[])]))
    assert cfg.checkpoint_config.by_epoch is False  # as training
    assert cfg.eval_pipelines[0].name == 'val0'
    assert validate_config(_cfg(**{'data.imgs_per_gpu': 8})).eval_pipelines[0].imgs_per_gpu == 8


@pytest.mark.parametrize('key,value,path,hint', [
    ('data.imgs_per_gpus', 8, 'data.imgs_per_gpus', 'imgs_per_gpu'),
    ('lr_config.warmup_iter', 5, 'lr_config.warmup_iter', 'warmup_iters'),
    ('optimizer_config.update_intervall', 4, 'optimizer_config.update_intervall',
     'update_interval'),
    ('optimizer_config.grad_clipp', dict(max_norm=1.0), 'optimizer_config.grad_clipp',
     'grad_clip'),
    ('checkpoint_config.intervall', 5, 'checkpoint_config.intervall', 'interval'),
    ('checkpoint_config.max_keep_ckpt', 2, 'checkpoint_config.max_keep_ckpt', 'max_keep_ckpts'),
    ('eval_config.intervall', 5, 'eval_config.intervall', 'interval'),
    ('optimizer_config.grad_clip.max_nrom', 1.0, 'optimizer_config.grad_clip.max_nrom',
     'max_norm'),
    ('eval_pipelines', [dict(name='v', data=_DATASET, evaluators=[], imgs_per_gpus=4)],
     'eval_pipelines[0].imgs_per_gpus', 'imgs_per_gpu'),
    ('optimizer.paramwise_options', dict(norm_decay_mul=0.0),
     'optimizer.paramwise_options.norm_decay_mul', 'norm_decay_mult'),
])
def test_unknown_nested_key_names_its_path_and_the_closest_key(key, value, path, hint):
    text = _error(_cfg(**{key: value}))
    assert f'Unknown config key {path} ' in text and f"did you mean '{hint}'" in text


def test_unknown_top_level_keys_are_all_named():
    text = _error(_cfg(optimzer=dict(type='SGD'), foo=1))
    assert "'optimzer' (did you mean 'optimizer'?)" in text and "'foo'" in text


def test_mmengine_runner_keys_name_the_schema_keys_that_say_the_same():
    """param_scheduler beside the base's lr_config: an error naming both, neither wins."""
    text = _error(_cfg(param_scheduler=[dict(type='CosineAnnealingLR', T_max=1)],
                       default_hooks=dict(checkpoint=dict(interval=1))))
    assert "'param_scheduler' (mmengine's Runner key; here: lr_config, weight_decay_config)" \
        in text
    assert "'default_hooks' (mmengine's Runner key; here: checkpoint_config, log_config)" in text


@pytest.mark.parametrize('key,value,expected', [
    ('optimizer.lr', '0.1', "optimizer.lr must be a number, got str '0.1'"),
    ('data.imgs_per_gpu', 8.0, 'data.imgs_per_gpu must be an int, got float 8.0'),
    ('data.drop_last', 1, 'data.drop_last must be True/False, got int 1'),
    ('checkpoint_config.interval', True, 'checkpoint_config.interval must be an int'),
    ('eval_config.save_best', 1, 'eval_config.save_best must be a string'),
    ('custom_hooks', dict(type='MomentumUpdateHook'), 'custom_hooks must be a list'),
    ('lr_config.policy', 'cosine',
     "lr_config.policy must be one of ['fixed', 'step', 'CosineAnnealing'"),
    ('optimizer_config.nonfinite', 'ignore', 'optimizer_config.nonfinite must be one of'),
    ('log_config.hooks', [dict(type='WandbLoggerHook')], 'log_config.hooks[0].type must be one'),
    ('compile', 'yes', 'compile must be True/False or a dict'),
])
def test_wrong_type_or_value_names_what_is_expected(key, value, expected):
    assert expected in _error(_cfg(**{key: value}))


@pytest.mark.parametrize('key,value', [
    ('total_epochs', 0), ('total_epochs', -3), ('data.imgs_per_gpu', 0),
    ('data.workers_per_gpu', -1), ('checkpoint_config.interval', 0),
    ('eval_config.interval', 0), ('log_config.interval', 0),
    ('optimizer_config.update_interval', 0), ('optimizer_config.max_nonfinite', 0),
    ('eval_pipelines', [dict(data=_DATASET, evaluators=[], imgs_per_gpu=0)])])
def test_zero_or_negative_counts_are_rejected(key, value):
    assert 'must be >= ' in _error(_cfg(**{key: value}))


@pytest.mark.parametrize('key,value,expected', [
    ('checkpoint_config.max_keep_ckpts', 0, '-1 (keep all) or a count >= 1, got 0'),
    ('optimizer.lr', 0, 'optimizer.lr must be a number > 0, got 0'),
    ('optimizer.lr', -0.1, 'optimizer.lr must be a number > 0'),
    ('lr_config.warmup_ratio', 1.5, 'lr_config.warmup_ratio must be a number in [0, 1]'),
    ('total_iters', 10, 'Set exactly one of total_epochs / total_iters'),
    ('lr_config', dict(_delete_=True, warmup='linear'), "lr_config.warmup='linear' needs "
                                                        'lr_config.warmup_iters >= 1'),
    ('lr_config', dict(_delete_=True, policy='step'),
     "lr_config.policy='step' needs lr_config.step"),
    ('lr_config', dict(_delete_=True, min_lr=0.0, min_lr_ratio=0.1),
     'Set only one of lr_config.min_lr / lr_config.min_lr_ratio'),
    ('model', None, 'model must be a dict, got None'),
])
def test_values_outside_their_range_are_rejected(key, value, expected):
    assert expected in _error(_cfg(**{key: value}))


def test_eval_pipelines_names_must_differ():
    """Metrics are prefixed by the entry's name: a second entry named like the first silently
    replaced its figures (and entries without a name get val0, val1, ...)."""
    entry = dict(name='coco', data=_DATASET, evaluators=[dict(type='ClsEvaluator')])
    assert "eval_pipelines names ['coco'] more than once" in _error(
        _cfg(eval_pipelines=[entry, entry]))
    unnamed = {k: v for k, v in entry.items() if k != 'name'}
    cfg = validate_config(_cfg(eval_pipelines=[unnamed, unnamed]))
    assert [e.name for e in cfg.eval_pipelines] == ['val0', 'val1']


def test_missing_required_keys_are_named():
    assert 'optimizer is required' in _error(Config(
        {k: v for k, v in copy.deepcopy(VALID).items() if k != 'optimizer'}))
    assert 'data.train is required' in _error(_cfg(data=dict(_delete_=True, imgs_per_gpu=2)))


@pytest.mark.parametrize('key,value,expected', [
    ('model.backbone.depht', 18,
     "Unknown argument model.backbone.depht for ResNet (did you mean 'depth'?)"),
    ('model.head.num_class', 10, "model.head.num_class for ClsHead (did you mean 'num_classes'"),
    ('model.data_preprocessor', dict(type='ClsDataPreprocessor', men=[0.5]),
     'model.data_preprocessor.men for ClsDataPreprocessor'),
    ('data.train.data_source.list_fil', 'x',
     "data.train.data_source.list_fil for ImageList (did you mean 'list_file'?)"),
    ('data.train.max_bad_sample', 3, "for ClsDataset (did you mean 'max_bad_samples'?)"),
    ('optimizer.momentun', 0.9, "optimizer.momentun for SGD (did you mean 'momentum'?)"),
    ('custom_hooks', [dict(type='MomentumUpdateHook', priorty='LOW')],
     "custom_hooks[0].priorty for MomentumUpdateHook (did you mean 'priority'?)"),
    ('compile', dict(fullgraf=True), "compile.fullgraf for compile (did you mean 'fullgraph'?)"),
])
def test_type_config_arguments_are_checked_against_the_class(key, value, expected):
    text = _error(_cfg(**{key: value}))
    assert expected in text and 'It accepts: ' in text


def test_type_config_errors_list_the_accepted_arguments_and_check_nested_entries():
    text = _error(_cfg(**{'model.backbone.depht': 18}))
    assert 'It accepts: depth, frozen_stages, in_channels, init_cfg' in text
    pipeline = [dict(type='LoadImage'), dict(type='RandomAppliedTrans', prob=0.5, transforms=[
        dict(type='ColorJitter', brightnes=0.4)])]
    text = _error(_cfg(**{'data.train.pipeline': pipeline}))
    assert 'data.train.pipeline[1].transforms[0].brightnes for ColorJitter' in text
    eval_text = _error(_cfg(eval_pipelines=[dict(data=_DATASET, evaluators=[
        dict(type='ClsEvaluator', topq=(1,))])]))
    assert "eval_pipelines[0].evaluators[0].topq for ClsEvaluator (did you mean 'topk'" in eval_text


@pytest.mark.parametrize('key,value,expected', [
    ('model.head.num_classes', '10', "model.head.num_classes for ClsHead must be an int, got str"),
    ('model.head.label_smoothing', '0.1', 'label_smoothing for ClsHead must be a number'),
    ('model.backbone.norm_eval', 'yes', 'model.backbone.norm_eval for ResNet must be True/False'),
    ('optimizer.momentum', '0.9', 'optimizer.momentum for SGD must be a number, got str'),
    ('data.train.max_bad_samples', 1.5, 'max_bad_samples for ClsDataset must be an int'),
])
def test_type_config_values_are_checked_against_plain_annotations(key, value, expected):
    assert expected in _error(_cfg(**{key: value}))


def test_arguments_with_richer_annotations_are_not_type_checked():
    cfg = validate_config(_cfg(**{'model.backbone.out_indices': [3], 'model.head.topk': [1]}))
    assert cfg.model.backbone.out_indices == [3]


def test_unknown_type_names_the_registry_and_close_names():
    text = _error(_cfg(**{'model.head.type': 'ClsHeadd'}))
    assert "model.head.type: Unknown type 'ClsHeadd' in the 'model' registry" in text
    assert "'ClsHead'" in text
    assert 'needs a type=' in _error(_cfg(custom_hooks=[dict(priority=1)]))


def test_class_arguments_follow_kwargs_to_the_base_class():
    class Base:
        def __init__(self, a, b=1):
            pass

    class Child(Base):
        def __init__(self, c, **kwargs):
            super().__init__(**kwargs)

    class NoInit:
        pass

    class KwargsElsewhere(NoInit):
        def __init__(self, d, **kwargs):
            self.options = kwargs

    assert accepted_arguments(Child) == {'a', 'b', 'c'}
    assert accepted_arguments(NoInit) == set()
    assert accepted_arguments(KwargsElsewhere) is None
    assert accepted_arguments(lambda x, **kw: None) is None
    assert accepted_arguments(lambda x, y=1: None) == {'x', 'y'}


def test_kwargs_that_no_base_class_takes_accept_anything():
    validate_config(_cfg(custom_hooks=[dict(type='EMAHook', momentum=0.001)]))


def test_init_cfg_and_norm_cfg_are_left_to_the_class():
    validate_config(_cfg(**{'model.backbone.init_cfg': dict(type='Pretrained', checkpoint='x'),
                            'model.backbone.norm_cfg': dict(type='SyncBN')}))


def test_build_runner_reads_the_validated_values():
    cfg = check_schema(_cfg(**{'optimizer_config.update_interval': 3}))
    wrapper = _optim_wrapper(cfg)
    assert wrapper['accumulative_counts'] == 3 and wrapper['clip_grad'] == dict(
        max_norm=5.0, norm_type=2)
    assert _optim_wrapper(Config(dict(optimizer=dict(type='SGD', lr=1))))[
        'max_nonfinite'] == SCHEMA['optimizer_config'].sub['max_nonfinite'].default
    runner_cfg = _runner_cfg(check_schema(_cfg(compile=dict(mode='reduce-overhead'))))
    assert runner_cfg.compile == dict(mode='reduce-overhead')
    assert runner_cfg.model_wrapper_cfg == dict(
        type='easycv_like.DeviceAgnosticDDP', broadcast_buffers=False,
        find_unused_parameters=False)
    own = dict(type='easycv_like.DeviceAgnosticDDP', find_unused_parameters=True)
    assert _runner_cfg(check_schema(_cfg(model_wrapper_cfg=own))).model_wrapper_cfg == own


def _doc_rows() -> dict:
    """docs/config.md's schema table: ``{top-level key: the row's text}``."""
    with open(osp.join(REPO, 'docs', 'config.md')) as f:
        lines = [line for line in f if line.startswith('| `')]
    rows = {}
    for line in lines:
        first = line.split('|')[1]
        for key in re.findall(r'`([^`]+)`', first):
            rows[key] = line
    return rows


def test_docs_config_md_documents_exactly_the_schema():
    rows = _doc_rows()
    assert set(rows) == set(SCHEMA)
    for path, _ in iter_schema():
        top, name = path.split('.')[0].split('[')[0], path.split('.')[-1]
        spans = ' '.join(re.findall(r'`([^`]+)`', rows[top]))
        assert re.search(rf'\b{re.escape(name)}\b', spans), f'{path} not in docs/config.md'


@pytest.mark.parametrize('save_best,expected', [
    ('top1', "eval_config.save_best='top1' names no evaluation: metrics are "
             "'<eval_pipelines name>/<metric>', names here: val (e.g. 'val/top1')."),
    ('test/top1', "names here: val"),
])
def test_save_best_must_name_an_evaluation(save_best, expected):
    assert expected in _error(_cfg(**{'eval_config.save_best': save_best}))
    validate_config(_cfg(**{'eval_config.save_best': 'val/anything'}))  # checked when validated
    validate_config(_cfg(**{'eval_config.save_best': 'top1', 'eval_pipelines': []}))  # no eval
