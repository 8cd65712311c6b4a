"""End to end: a tiny DINO run from configs/ssl/dino_deit_small_p16.py with its three schedule
hooks (teacher momentum, teacher temperature, weight decay) in a real mmengine Runner."""
import math
import os.path as osp

import pytest
import torch

from easycv_like import train
from easycv_like.utils.checkpoint import load_checkpoint_file

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _logged(checkpoint, key):
    return checkpoint['message_hub']['log_scalars'][key]['log_history']


def test_tiny_dino_run_follows_the_schedules(tmp_path, tiny_digits):
    config = tmp_path / 'dino_tiny.py'
    config.write_text(f'''
_base_ = {osp.join(REPO, 'configs/ssl/dino_deit_small_p16.py')!r}
model = dict(backbone=dict(img_size=16, patch_size=4, embed_dim=32, depth=2, num_heads=2),
             neck=dict(in_channels=32, out_channels=64, hid_channels=48, bottleneck_channels=16),
             head=dict(out_channels=64))
_global = [dict(type='RandomResizedCrop', size=16, scale=(0.4, 1.0)),
           dict(type='RandomHorizontalFlip'), dict(type='Solarization', prob=0.2)]
_local = [dict(type='RandomResizedCrop', size=8, scale=(0.05, 0.4))]
data = dict(imgs_per_gpu=16, workers_per_gpu=0,
            train=dict(data_source=dict(list_file='{tiny_digits}/train_small.txt'),
                       num_views=[2, 2], pipelines=[_global, _local]))
lr_config = dict(warmup_iters=2)
custom_hooks = [dict(type='DINOTeacherTempHook', start_temp=0.04, end_temp=0.07, warmup_iters=4)]
total_epochs = 1
log_config = dict(interval=1, hooks=[dict(type='TextLoggerHook')])
checkpoint_config = dict(interval=1)
''')
    result = train(str(config), work_dir=str(tmp_path / 'work'))
    checkpoint = load_checkpoint_file(result['checkpoint'])
    assert checkpoint['meta']['iter'] == 7  # 120 images, batch 16, drop_last
    iters = range(7)
    # teacher temperature: 0.04 -> 0.07 over 4 of the 7 iterations, then 0.07
    assert _logged(checkpoint, 'train/teacher_temp') == pytest.approx(
        [0.04 + 0.03 * min(k / 4, 1) for k in iters])
    # weight decay: cosine 0.04 -> 0.4 over the 7 iterations
    wd = [0.4 + (0.04 - 0.4) * (1 + math.cos(math.pi * k / 7)) / 2 for k in iters]
    assert _logged(checkpoint, 'train/weight_decay') == pytest.approx(wd)
    decays = sorted({g['weight_decay'] for g in checkpoint['optimizer']['param_groups']})
    assert decays == pytest.approx([0.0, wd[-1]])  # norms and biases stay without decay
    # teacher momentum: cosine 0.996 -> 1
    assert _logged(checkpoint, 'train/momentum') == pytest.approx(
        [1 - 0.004 * (math.cos(math.pi * k / 7) + 1) / 2 for k in iters])
    state = checkpoint['state_dict']
    assert state['head.center'].abs().sum() > 0
    student, teacher = state['backbone.blocks.0.mlp.fc1.weight'], \
        state['momentum_backbone.blocks.0.mlp.fc1.weight']
    assert not torch.equal(student, teacher) and torch.allclose(student, teacher, atol=0.05)
    assert all(torch.isfinite(torch.tensor(v)).all() for v in _logged(checkpoint, 'train/loss'))
