"""End to end: a few BYOL iterations from configs/ssl/byol_r50.py (shrunk to a small-stem
ResNet-18 on 16x16 digits) through ``easycv_like.train``: LARS, the momentum hook, the
checkpoint."""
import json
import os.path as osp
from glob import glob

import torch

from easycv_like import train
from easycv_like.utils.checkpoint import load_checkpoint_file

from ..conftest import REPO


def test_byol_config_trains_a_few_iterations(tmp_path, tiny_digits):
    config = tmp_path / 'byol_tiny.py'
    config.write_text(f'''
_base_ = {osp.join(REPO, 'configs/ssl/byol_r50.py')!r}
_crop = [dict(type='RandomResizedCrop', size=16, scale=(0.5, 1.0)),
         dict(type='RandomHorizontalFlip')]
data = dict(imgs_per_gpu=16, workers_per_gpu=0, train=dict(
    data_source=dict(list_file='{tiny_digits}/train_small.txt'),
    pipelines=[[*_crop, dict(type='GaussianBlur', sigma_min=0.1, sigma_max=1.0, prob=1.0)],
               [*_crop, dict(type='Solarization', prob=0.2)]]))
model = dict(backbone=dict(depth=18, stem='small'),
             neck=dict(in_channels=512, hid_channels=32, out_channels=16),
             head=dict(predictor=dict(in_channels=16, hid_channels=32, out_channels=16)))
fp16 = None
lr_config = dict(warmup_iters=2)
total_epochs = 1
log_config = dict(interval=1, hooks=[dict(type='TextLoggerHook')])
checkpoint_config = dict(interval=1)
''')
    result = train(str(config), work_dir=str(tmp_path / 'work'))
    checkpoint = load_checkpoint_file(result['checkpoint'])
    assert checkpoint['meta']['iter'] == 7  # 120 images, batch 16, last partial batch dropped
    state = checkpoint['state_dict']
    assert any(k.startswith('head.predictor.') for k in state)
    assert checkpoint['optimizer']['param_groups'][0]['eta'] == 0.001  # LARS
    online, target = state['backbone.conv1.weight'], state['momentum_backbone.conv1.weight']
    assert not torch.equal(online, target)  # the target lags behind the online encoder ...
    assert (online - target).abs().max() < 0.1  # ... by little: it follows it by EMA
    logs = [json.loads(line) for f in glob(str(tmp_path / 'work/*/vis_data/scalars.json'))
            for line in open(f)]
    momenta = [entry['momentum'] for entry in logs if 'momentum' in entry]
    assert len(momenta) == 7 and 0.99 <= momenta[0] < momenta[-1] <= 1.0  # cosine to 1
    assert all(torch.isfinite(torch.tensor(entry['loss'])) for entry in logs if 'loss' in entry)
