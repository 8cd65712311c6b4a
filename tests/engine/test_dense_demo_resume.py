"""The shipped YOLOX and LR-ASPP demo configs, shrunk, stopped by SIGTERM mid-epoch and resumed
with ``--resume auto``: batches (indices, mosaic / mix-up pixels, multi-scale sizes), raw and EMA
weights, optimizer state and every evaluation equal the uninterrupted run's, also when the resume
uses another ``data.workers_per_gpu``, and in a 2-process gloo run on every rank."""
import glob
import json
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

from easycv_like import train
from easycv_like.utils.checkpoint import load_checkpoint_file

from ..conftest import REPO

PLUGIN = '''
import hashlib, json, os, signal
import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from easycv_like.registry import HOOKS


@HOOKS.register_module(force=True)
class TraceHook(Hook):
    """Writes each iteration's batch (indices, pixel hash, training size, mixing) and the
    validated model of each rank; SIGTERMs its own process once after iteration ``term_at``."""

    priority = 'LOWEST'

    def __init__(self, term_at=None):
        self.term_at, self.sizes = term_at, []

    def before_train(self, runner):
        model = getattr(runner.model, 'module', runner.model)
        model.backbone.register_forward_pre_hook(
            lambda m, args: self.sizes.append(list(args[0].shape[-2:])) if m.training else None)

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        pixels = data_batch['inputs']
        pixels = torch.stack(pixels) if isinstance(pixels, list) else pixels
        row = dict(iter=runner.iter, size=self.sizes[-1],
                   idx=[int(s['sample_idx']) for s in data_batch['data_samples']],
                   pixels=hashlib.sha1(pixels.contiguous().numpy().tobytes()).hexdigest(),
                   mixing=getattr(runner.train_dataloader.dataset, 'mixing', None))
        with open(os.path.join(runner.work_dir, f'trace_{get_rank()}.jsonl'), 'a') as f:
            f.write(json.dumps(row) + '\\n')
        marker = os.path.join(runner.work_dir, 'terminated')
        if runner.iter + 1 == self.term_at and not os.path.exists(marker):
            open(marker, 'w').close()
            os.kill(os.getpid(), signal.SIGTERM)

    def before_val_epoch(self, runner):
        model = getattr(runner.model, 'module', runner.model)
        torch.save(model.state_dict(), os.path.join(
            runner.work_dir, f'val_r{get_rank()}_i{runner.iter}.pt'))
'''

# YOLOX: 12 images, batch 2: 3 epochs of 6 iterations, mixing in the first two, a new size every
# 2 iterations; LR-ASPP: 2 epochs of 6. Both evaluate before training and after every epoch.
DET = '''data = dict(imgs_per_gpu=2, workers_per_gpu={workers})
total_epochs = 3
num_last_epochs = 1
lr_config = dict(warmup_iters=1)
model = dict(data_preprocessor=dict(batch_resize=dict(interval=2, size_range=(64, 128))))
eval_config = dict(interval=1, dynamic_intervals=None)
ema = dict(gamma=2, momentum=0.1)
custom_hooks = [dict(type='ModeSwitchHook'), dict(type='TraceHook', term_at={term_at})]
'''
SEG = '''data = dict(imgs_per_gpu=2, workers_per_gpu={workers})
total_epochs = 2
eval_config = dict(interval=1)
custom_hooks = [dict(type='TraceHook', term_at={term_at})]
'''
DEMOS = dict(det=('detection/demo/yolox_nano_shapes.py', DET, 3),
             seg=('segmentation/demo/lraspp_mnv3_shapes.py', SEG, 2))


@pytest.fixture(scope='module')
def folder(tmp_path_factory):
    """A run folder holding data/shapes (12 train, 4 val images) and the trace plugin."""
    import make_shapes_dataset  # tools/ is on sys.path (tests/conftest.py)
    root = tmp_path_factory.mktemp('dense_demo')
    make_shapes_dataset.main(['--out', str(root / 'data' / 'shapes'), '--num-train', '12',
                              '--num-val', '4', '--min-side', '64', '--max-side', '96'])
    (root / 'trace_plugin.py').write_text(PLUGIN)
    return root


def _config(folder, kind, workers=0, term_at=None):
    base, text, _ = DEMOS[kind]
    path = folder / f'{kind}_{workers}_{term_at}.py'
    path.write_text(f"_base_ = {osp.join(REPO, 'configs', base)!r}\n"
                    "custom_imports = dict(imports=['trace_plugin'])\n"
                    "checkpoint_config = dict(interval=1, max_keep_ckpts=-1)\n"
                    + text.format(workers=workers, term_at=term_at))
    return str(path)


def _train_process(folder, config, work_dir, resume=False):
    """tools/train.py in its own process (SIGTERM ends it), run from ``folder``."""
    env = dict(os.environ, OMP_NUM_THREADS='1',
               PYTHONPATH=os.pathsep.join([REPO, str(folder)]))
    return subprocess.run([sys.executable, osp.join(REPO, 'tools', 'train.py'), config,
                           '--work_dir', str(work_dir)] + ['--resume', 'auto'] * resume,
                          cwd=folder, env=env, capture_output=True, text=True, timeout=600)


def _trace(work_dir, rank=0):
    with open(osp.join(work_dir, f'trace_{rank}.jsonl')) as f:
        return [json.loads(line) for line in f]


def _evaluations(work_dir):
    rows = []
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        with open(path) as f:
            rows += [json.loads(line) for line in f if line.strip()]
    return [{k: v for k, v in r.items() if k.startswith(('coco/', 'val/'))}
            for r in rows if any(k.startswith(('coco/', 'val/')) for k in r)]


def _assert_same_checkpoint(expected_path, got_path):
    expected, got = load_checkpoint_file(expected_path), load_checkpoint_file(got_path)
    parts = [part for part in ('state_dict', 'ema_state_dict') if part in expected]
    assert parts == [part for part in ('state_dict', 'ema_state_dict') if part in got]
    for part in parts:  # the seg demo has no EMA
        assert set(expected[part]) == set(got[part])
        for key, value in expected[part].items():
            assert torch.equal(value, got[part][key]), (part, key)
    saved, resumed = expected['optimizer']['state'], got['optimizer']['state']
    assert saved and set(saved) == set(resumed)
    for index, state in saved.items():
        for name, value in state.items():
            assert torch.equal(torch.as_tensor(value), torch.as_tensor(resumed[index][name]))


@pytest.mark.slow
@pytest.mark.parametrize('kind,term_at,workers', [('det', 8, (0, 2)), ('seg', 3, (2, 0))])
def test_sigterm_mid_epoch_resumes_exactly_with_other_loader_workers(folder, kind, term_at,
                                                                     workers):
    full = folder / f'{kind}_full'
    assert _train_process(folder, _config(folder, kind), full).returncode == 0
    work = folder / f'{kind}_resumed'
    stopped = _train_process(folder, _config(folder, kind, workers[0], term_at), work)
    assert stopped.returncode == 143, stopped.stderr[-3000:]
    assert osp.exists(work / f'iter_{term_at}.pth')
    resumed = _train_process(folder, _config(folder, kind, workers[1]), work, resume=True)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    reference = _trace(full)
    assert _trace(work) == reference  # first run up to term_at, then the resumed one
    if kind == 'det':
        assert len({tuple(row['size']) for row in reference}) > 1  # multi-scale
        assert [row['mixing'] for row in reference] == [True] * 12 + [False] * 6
    assert len(_evaluations(full)) == DEMOS[kind][2] + 1  # before training, every epoch
    assert _evaluations(work) == _evaluations(full)
    last = f'epoch_{DEMOS[kind][2]}.pth'
    _assert_same_checkpoint(full / last, work / last)


@pytest.mark.slow
def test_two_processes_validate_one_model_and_resume_exactly(folder, monkeypatch):
    """2 gloo ranks, both SIGTERMed after iteration 4 (mid-epoch 1 of 3 iterations each): every
    validation sees the same model on both ranks, in the uninterrupted and the resumed run."""
    monkeypatch.chdir(folder)
    monkeypatch.setenv('PYTHONPATH', os.pathsep.join([REPO, str(folder)]))
    monkeypatch.syspath_prepend(str(folder))
    full = train(_config(folder, 'det'), gpus=2, work_dir=str(folder / 'dist_full'))
    work = folder / 'dist_resumed'
    with pytest.raises(subprocess.CalledProcessError):
        train(_config(folder, 'det', term_at=4), gpus=2, work_dir=str(work))
    assert osp.exists(work / 'iter_4.pth')
    train(_config(folder, 'det'), gpus=2, work_dir=str(work), resume='auto')
    validated = sorted(osp.basename(p) for p in glob.glob(osp.join(full['work_dir'], 'val_*')))
    assert len(validated) == 8  # 2 ranks x (before training + 3 epochs)
    for name in (n for n in validated if '_r0_' in n):
        states = [torch.load(osp.join(d, name.replace('_r0_', f'_r{r}_')), weights_only=True)
                  for d in (full['work_dir'], work) for r in (0, 1)]
        for key, value in states[0].items():
            assert all(torch.equal(value, other[key]) for other in states[1:]), (name, key)
    for rank in (0, 1):
        assert _trace(work, rank) == _trace(full['work_dir'], rank)
    assert _evaluations(work) == _evaluations(full['work_dir'])
    _assert_same_checkpoint(osp.join(full['work_dir'], 'epoch_3.pth'), work / 'epoch_3.pth')
