"""evaluate() refuses checkpoints whose classes or weights do not fit, and evaluates data.val."""
import os.path as osp

import numpy as np
import pytest
import torch

from easycv_like import evaluate, train
from easycv_like.apis.config import load_config
from easycv_like.engine.class_checks import ClassMismatchError
from easycv_like.engine.eval_data import resolve_eval_data
from easycv_like.registry import DATASETS
from easycv_like.utils.checkpoint import load_checkpoint_file
from tests.conftest import REPO
from tests.data.image_files import write_image

CLASSES = ('ant', 'bee', 'cat')


def _folder(root, classes, per_class=4):
    for label, name in enumerate(classes):
        for i in range(per_class):
            img = np.full((8, 8, 3), 40 * label + 3 * i, dtype=np.uint8)
            write_image(osp.join(root, name, f'{i}.png'), img)
    return root


def _config(folder, train_root, val_root, extra=''):
    """The digits classification config with the user's own ImageFolder splits: only data.train
    and data.val are replaced; eval_pipelines are inherited from the base."""
    path = osp.join(folder, 'folder_cfg.py')
    base = osp.join(REPO, 'configs/classification/digits/resnet18_digits.py')
    with open(path, 'w') as f:
        f.write(f'''
_base_ = {base!r}
_pipe = [dict(type='LoadImage'), dict(type='PackInputs')]
data = dict(imgs_per_gpu=4, workers_per_gpu=0,
            train=dict(data_source=dict(_delete_=True, type='ImageFolder', root={train_root!r}),
                       pipeline=_pipe),
            val=dict(data_source=dict(_delete_=True, type='ImageFolder', root={val_root!r}),
                     pipeline=_pipe))
model = dict(head=dict(num_classes=3))
eval_pipelines = [dict(name='val', data='val',
                       evaluators=[dict(type='ClsEvaluator', topk=(1, 3))])]
total_epochs = 1
lr_config = dict(warmup_iters=1)
log_config = dict(interval=1, hooks=[dict(type='TextLoggerHook')])
{extra}
''')
    return path


@pytest.fixture(scope='module')
def folder_run(tmp_path_factory):
    """One epoch on a 3-class ImageFolder; its val split is a copy of the training images."""
    root = tmp_path_factory.mktemp('folders')
    train_root = _folder(str(root / 'train'), CLASSES)
    val_root = _folder(str(root / 'val'), CLASSES)
    config = _config(str(root), train_root, val_root)
    result = train(config, work_dir=str(root / 'work'))
    return dict(result, config=config, root=root, val_root=val_root)


def test_overriding_data_val_changes_what_is_evaluated(folder_run):
    meta = load_checkpoint_file(folder_run['checkpoint'])['meta']
    evaluated = meta['config_dict']['eval_pipelines'][0]['data']['data_source']
    assert evaluated['root'] == folder_run['val_root']  # not the base's digits list
    assert meta['dataset_meta']['classes'] == list(CLASSES)
    assert set(folder_run['metrics']) == {'val/top1', 'val/top3'}


def test_evaluate_a_val_folder_with_a_class_the_model_lacks(folder_run):
    other = _folder(str(folder_run['root'] / 'val_dog'), ('ant', 'dog'))
    with pytest.raises(ValueError, match=r"class folder\(s\) 'dog'.*not in the "):
        evaluate(folder_run['config'], folder_run['checkpoint'],
                 cfg_options={'data.val.data_source.root': other})


def test_evaluate_a_val_folder_missing_a_class_keeps_the_labels(folder_run, tmp_path):
    fewer = _folder(str(folder_run['root'] / 'val_fewer'), ('ant', 'cat'))
    metrics = evaluate(folder_run['config'], folder_run['checkpoint'], work_dir=str(tmp_path),
                       cfg_options={'data.val.data_source.root': fewer})
    full = evaluate(folder_run['config'], folder_run['checkpoint'], work_dir=str(tmp_path))
    assert set(metrics) == set(full) == {'val/top1', 'val/top3'}
    assert metrics['val/top3'] == 100.0  # 3 classes: every label is within the top 3
    cfg = resolve_eval_data(load_config(folder_run['config'], {
        'data.val.data_source.root': fewer}), classes=list(CLASSES))
    dataset = DATASETS.build(cfg.eval_pipelines[0].data)
    assert dataset.metainfo['classes'] == list(CLASSES)
    assert [dataset.data_source[i]['gt_label'] for i in range(len(dataset))] == [0] * 4 + [2] * 4


def test_evaluate_refuses_a_dataset_with_other_classes(folder_run, tmp_path):
    with pytest.raises(ClassMismatchError, match=r'checkpoint .* has 3 classes.*has 4'):
        evaluate(folder_run['config'], folder_run['checkpoint'], work_dir=str(tmp_path),
                 cfg_options={'+data.val.data_source.classes': list(CLASSES) + ['dog']})


def test_evaluate_refuses_an_ssl_checkpoint_naming_the_keys(folder_run, tmp_path):
    ckpt = load_checkpoint_file(folder_run['checkpoint'])
    state = {k: v for k, v in ckpt['state_dict'].items() if not k.startswith('head.')}
    state['queue'] = torch.zeros(128, 16)
    ssl_file = str(tmp_path / 'ssl.pth')
    config_dict = dict(ckpt['meta']['config_dict'], model=dict(type='MoCo'))
    torch.save(dict(state_dict=state, meta=dict(ckpt['meta'], dataset_meta={'classes': None},
                                                config_dict=config_dict)), ssl_file)
    with pytest.raises(ValueError, match=r'(?s)missing.*: 2: head.fc.weight, head.fc.bias.*'
                                         r'unexpected.*: 1: queue') as err:
        evaluate(folder_run['config'], ssl_file, work_dir=str(tmp_path))
    assert str(err.value).startswith(f"{ssl_file} holds a MoCo model (self-supervised); the "
                                     "config's model is a Classification model (classification).")


def test_evaluate_refuses_a_head_of_another_size(folder_run, tmp_path):
    with pytest.raises(ValueError, match=r'head.fc.weight \(3, 512\) in file vs '
                                         r'\(4, 512\) in model') as err:
        evaluate(folder_run['config'], folder_run['checkpoint'], work_dir=str(tmp_path),
                 cfg_options={'model.head.num_classes': 4})
    assert "trained for 3 classes, the config's model.head.num_classes is 4" in str(err.value)
    assert 'exclude=' not in str(err.value)  # was: exclude=['head.fc.'], a training remedy


def test_training_refuses_a_head_of_another_size(folder_run, tmp_path):
    with pytest.raises(ClassMismatchError, match=r'model.head.num_classes=2 but the data has 3 '
                                                 r'classes \(from data.train: the sub-folders'):
        train(folder_run['config'], work_dir=str(tmp_path), cfg_options={
            'model.head.num_classes': 2})


def test_validation_refuses_a_split_with_other_classes(folder_run, tmp_path):
    with pytest.raises(ClassMismatchError, match=r"data.train .* has 3 classes, "
                                                 r"eval_pipelines 'val' .* has 4"):
        train(folder_run['config'], work_dir=str(tmp_path), cfg_options={
            '+data.val.data_source.classes': list(CLASSES) + ['dog']})
