"""docs/own_data.md: its configs, taken from the page itself, train on a tiny ImageFolder made
from the digits: a classifier, MoCo v2 pre-training, then a linear probe on that backbone."""
import os
import os.path as osp
import re
import shutil

import pytest
import torch

from easycv_like import train
from easycv_like.apis.config import load_config
from easycv_like.apis.predict import main as predict_main
from easycv_like.engine.build_runner import check_schema
from easycv_like.utils.checkpoint import load_checkpoint_file

from ..conftest import REPO

DOC = osp.join(REPO, 'docs', 'own_data.md')
CLASSES = {'ant': 0, 'bee': 1, 'wasp': 2}  # folder name -> digit used for its images
SHRINK = {'total_epochs': 1, 'data.imgs_per_gpu': 8, 'data.workers_per_gpu': 0}


def doc_configs() -> dict:
    """``{'configs/...py': text}`` for every python block of the page naming its file."""
    with open(DOC, encoding='utf-8') as f:
        blocks = re.findall(r'```python\n(.*?)```', f.read(), re.S)
    named = {}
    for block in blocks:
        match = re.match(r'# (configs/\S+\.py)\n', block)
        if match:
            named[match.group(1)] = block
    return named


@pytest.fixture(scope='module')
def project(tmp_path_factory, tiny_digits):
    """A folder with the repository's configs, the page's configs and data/my_images."""
    root = tmp_path_factory.mktemp('own_data')
    shutil.copytree(osp.join(REPO, 'configs'), root / 'configs')
    for path, text in doc_configs().items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    with open(osp.join(tiny_digits, 'train.txt')) as f:
        by_digit = {}
        for line in f:
            path, label = line.split()
            by_digit.setdefault(int(label), []).append(path)
    for name, digit in CLASSES.items():
        for split, files in (('train', by_digit[digit][:16]), ('val', by_digit[digit][16:20])):
            folder = root / 'data' / 'my_images' / split / name
            folder.mkdir(parents=True)
            for path in files:
                shutil.copy(osp.join(tiny_digits, path), folder / osp.basename(path))
    (root / 'data' / 'my_images' / 'train' / 'ant' / 'README.txt').write_text('not an image')
    return root


def test_the_page_names_its_four_configs():
    assert sorted(doc_configs()) == [
        'configs/_base_/datasets/my_images.py', 'configs/own/my_images_linear.py',
        'configs/own/my_images_mocov2.py', 'configs/own/my_images_r18.py']


def test_configs_load_and_follow_the_schema(project, monkeypatch):
    monkeypatch.chdir(project)
    for path in ('configs/own/my_images_r18.py', 'configs/own/my_images_mocov2.py',
                 'configs/own/my_images_linear.py'):
        cfg = load_config(path)
        check_schema(cfg)
        assert 'ImageList' not in cfg.pretty_text  # the digits data were swapped out
    mocov2 = load_config('configs/own/my_images_mocov2.py')
    assert mocov2.model.type == 'MoCo' and mocov2.data.train.type == 'MultiViewDataset'
    assert load_config('configs/own/my_images_linear.py').model.head.num_classes == 3


def test_classifier_then_ssl_pretraining_then_linear_probe(project, monkeypatch, capsys):
    monkeypatch.chdir(project)
    cls = train('configs/own/my_images_r18.py', cfg_options=dict(SHRINK))
    assert cls['work_dir'] == osp.join(os.getcwd(), 'work_dirs', 'my_images_r18')
    assert set(cls['metrics']) == {'val/top1', 'val/top2'}
    meta = load_checkpoint_file(cls['checkpoint'])['meta']
    assert meta['dataset_meta']['classes'] == list(CLASSES)
    records = predict_main([cls['checkpoint'], 'data/my_images/val', '--topk', '2'])
    assert len(records) == 12
    assert {r['predictions'][0]['class_name'] for r in records} <= set(CLASSES)

    ssl = train('configs/own/my_images_mocov2.py', cfg_options=dict(SHRINK))
    assert 'knn/knn_top1' in ssl['metrics'] and 0 <= ssl['metrics']['knn/knn_top1'] <= 100
    assert osp.isfile('work_dirs/my_images_mocov2/latest.pth')

    probe = train('configs/own/my_images_linear.py', cfg_options=dict(SHRINK))
    pretrained = load_checkpoint_file('work_dirs/my_images_mocov2/latest.pth')['state_dict']
    probed = load_checkpoint_file(probe['checkpoint'])['state_dict']
    backbone = [k for k in probed if k.startswith('backbone.')]
    assert backbone and all(torch.equal(probed[k], pretrained[k]) for k in backbone)
    assert 'val/top1' in probe['metrics']
