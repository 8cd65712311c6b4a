"""End to end: a tiny MAE pre-training from configs/ssl, then a layer-decay fine-tuning from
configs/benchmarks that starts from its checkpoint."""
import os.path as osp

import pytest
import torch

from easycv_like import train
from easycv_like.utils.checkpoint import load_checkpoint_file

from .direct_metrics import classifier_top1

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TINY_VIT = dict(img_size=16, patch_size=4, embed_dim=32, depth=2, num_heads=2)


def _write(path, base, body):
    path.write_text(f'_base_ = {osp.join(REPO, base)!r}\n{body}')
    return str(path)


def _data(root, split, pipeline):
    return (f"dict(type='ClsDataset', pipeline={pipeline}, data_source=dict(type='ImageList', "
            f"list_file='{root}/{split}_small.txt', classes='{root}/classes.txt'))")


def test_mae_pretrain_then_layer_decay_finetune(tmp_path, tiny_digits):
    crop = "[dict(type='LoadImage'), dict(type='RandomResizedCrop', size=16, scale=(0.5, 1.0)), " \
           "dict(type='PackInputs')]"
    plain = "[dict(type='LoadImage'), dict(type='PackInputs')]"
    common = f'''
log_config = dict(interval=1, hooks=[dict(type='TextLoggerHook')])
checkpoint_config = dict(interval=1)
total_epochs = 1
lr_config = dict(warmup_iters=2)
'''
    pretrain = _write(tmp_path / 'mae_tiny.py', 'configs/ssl/mae_vit_base_p16.py', f'''
model = dict(backbone={TINY_VIT!r}, neck=dict(in_channels=32, img_size=16, patch_size=4,
             embed_dim=16, depth=1, num_heads=2))
data = dict(imgs_per_gpu=16, workers_per_gpu=0, train={_data(tiny_digits, 'train', crop)})
optimizer_config = dict(update_interval=1)
{common}''')
    result = train(pretrain, work_dir=str(tmp_path / 'pretrain'))
    checkpoint = load_checkpoint_file(result['checkpoint'])
    assert checkpoint['meta']['iter'] == 7  # 120 images, batch 16, last partial batch dropped
    assert any(k.startswith('neck.') for k in checkpoint['state_dict'])

    finetune = _write(tmp_path / 'finetune_tiny.py',
                      'configs/benchmarks/mae_vit_base_p16_finetune.py', f'''
model = dict(backbone={TINY_VIT!r}, head=dict(in_channels=32, num_classes=10))
_val = {_data(tiny_digits, 'val', plain)}
data = dict(imgs_per_gpu=16, workers_per_gpu=0, train={_data(tiny_digits, 'train', crop)},
            val=_val)
eval_pipelines = [dict(name='val', data=_val, evaluators=[dict(type='ClsEvaluator', topk=(1,))])]
{common}''')
    result = train(finetune, work_dir=str(tmp_path / 'finetune'), load_from=result['checkpoint'])
    direct = classifier_top1(result['checkpoint'], osp.join(tiny_digits, 'val_small.txt'))
    assert result['metrics']['val/top1'] == pytest.approx(direct)
    tuned = load_checkpoint_file(result['checkpoint'])
    groups = tuned['optimizer']['param_groups']
    scales = sorted({round(g['lr_scale'], 6) for g in groups})
    assert scales == [round(0.65**k, 6) for k in (3, 2, 1, 0)]  # depth 2: 4 layer ids
    # the fine-tuned encoder started from the pre-trained one (sin-cos position embedding)
    pos = checkpoint['state_dict']['backbone.pos_embed']
    assert torch.allclose(tuned['state_dict']['backbone.pos_embed'], pos, atol=0.1)
