"""A detection run with pad_collate and the aspect-ratio batch sampler, interrupted mid-epoch and
resumed, ends exactly where an uninterrupted one does (batches are skipped, not replayed)."""
import os.path as osp

import pytest
import torch

from easycv_like import train
from easycv_like.utils.checkpoint import load_checkpoint_file

MODULE = '''
import torch
from mmengine.hooks import Hook
from mmengine.model import BaseModel
from torch import nn

from easycv_like.registry import HOOKS, MODELS

SEEN = []


@MODELS.register_module()
class BoxCountRegressor(BaseModel):
    """Regresses each image's box count from its padded pixels: a model for loader tests."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 1, 1)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        out = self.conv(inputs.float() / 255).mean((1, 2, 3))
        if mode == 'tensor':
            return out
        SEEN.append([s['sample_idx'] for s in data_samples])
        target = torch.tensor([float(len(s['gt_bboxes'])) for s in data_samples])
        return {'loss': ((out - target) ** 2).mean()}


@HOOKS.register_module()
class CrashAtIterHook(Hook):
    def __init__(self, iteration):
        self.iteration = iteration

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if runner.iter == self.iteration:
            raise RuntimeError(f'simulated crash at iteration {self.iteration}')
'''


def _config(folder, shapes, extra=''):
    text = f'''
_root = {str(shapes)!r}
model = dict(type='BoxCountRegressor')
data = dict(imgs_per_gpu=3, workers_per_gpu=0, train=dict(
    type='DetDataset',
    data_source=dict(type='Coco', ann_file=_root + '/train/annotations.json',
                     img_root=_root + '/train/images'),
    pipeline=[dict(type='LoadImage'), dict(type='RandomHorizontalFlip'),
              dict(type='RandomHSV'), dict(type='PackDetInputs')],
    collate=dict(type='pad_collate', size_divisor=32, pad_value=114),
    batch_sampler=dict(type='AspectRatioBatchSampler')))
optimizer = dict(type='SGD', lr=0.01, momentum=0.9)
lr_config = dict(policy='fixed')
total_iters = 10
checkpoint_config = dict(interval=3, by_epoch=False, max_keep_ckpts=-1)
log_config = dict(interval=1, hooks=[dict(type='TextLoggerHook')])
custom_imports = dict(imports=['dense_resume_module'])
seed = 3
{extra}
'''
    path = osp.join(folder, 'cfg.py')
    with open(path, 'w') as f:
        f.write(text)
    return path


@pytest.fixture
def shapes(tmp_path):
    import make_shapes_dataset  # tools/ is on sys.path (tests/conftest.py)
    make_shapes_dataset.main(['--out', str(tmp_path / 'shapes'), '--num-train', '10',
                              '--num-val', '1'])
    return tmp_path / 'shapes'


def test_mid_epoch_resume_with_grouped_padded_batches(tmp_path, shapes, monkeypatch):
    (tmp_path / 'dense_resume_module.py').write_text(MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    import dense_resume_module
    full = train(_config(str(tmp_path), shapes), work_dir=str(tmp_path / 'A'))
    full_order = list(dense_resume_module.SEEN)
    assert len(full_order) == 10 and all(len(batch) <= 3 for batch in full_order)
    crash_dir = tmp_path / 'crash'
    crash_dir.mkdir()
    crashing = _config(str(crash_dir), shapes,
                       "custom_hooks = [dict(type='CrashAtIterHook', iteration=7)]")
    with pytest.raises(RuntimeError, match='simulated crash'):
        train(crashing, work_dir=str(tmp_path / 'B'))
    dense_resume_module.SEEN.clear()
    resumed = train(_config(str(tmp_path), shapes), work_dir=str(tmp_path / 'B'),
                    resume='auto')
    assert dense_resume_module.SEEN == full_order[6:]  # iteration 6 = epoch 1, batch 2
    a = load_checkpoint_file(osp.join(full['work_dir'], 'iter_9.pth'))
    b = load_checkpoint_file(osp.join(resumed['work_dir'], 'iter_9.pth'))
    for key, value in a['state_dict'].items():
        assert torch.equal(value, b['state_dict'][key]), key
