"""docs/ssl.md describes configs/ssl/demo/mocov2_digits.py as it is."""
import os.path as osp
import re

from easycv_like.apis.config import load_config

from ..conftest import REPO

CONFIG = osp.join(REPO, 'configs', 'ssl', 'demo', 'mocov2_digits.py')


def _doc():
    with open(osp.join(REPO, 'docs', 'ssl.md'), encoding='utf-8') as f:
        return f.read()


def test_the_knn_monitor_snippet_is_the_configs():
    snippet = re.search(r'See `configs/ssl/demo/mocov2_digits.py`:\n\n```python\n(.*?)```',
                        _doc(), re.S).group(1)
    with open(CONFIG, encoding='utf-8') as f:
        config_text = f.read()
    for statement in re.split(r'\n(?=\S)', snippet.strip()):
        assert statement in config_text, f'docs/ssl.md shows\n{statement}\nwhich the config lacks'


def test_the_demo_figures_are_the_configs():
    cfg = load_config(CONFIG)
    line = re.search(r'pre-trains `configs/ssl/demo/mocov2_digits.py` \((.*?)\)', _doc(),
                     re.S).group(1)
    figures = ' '.join(line.split())
    assert f'batch {cfg.data.imgs_per_gpu}' in figures
    assert f'lr {cfg.optimizer.lr}' in figures and f'T {cfg.model.head.temperature}' in figures
    assert f'queue {cfg.model.queue_len}' in figures
    assert f'key momentum {cfg.model.momentum}' in figures
    assert f'{cfg.total_epochs} epochs' in figures
    assert f'{cfg.data.train.pipelines[0][0]["size"]}x' in figures
