"""tools/train.py, eval.py, extract_features.py and knn_eval.py end with one line naming what the
user has to fix (exit status 2), not a traceback through the Runner: a missing data file, a
folder or a checkpoint given as the config, a config given as the checkpoint, a misspelt
--cfg-options key, an empty or unusable --work_dir, a locked work dir, an --out nowhere."""
import os.path as osp

import pytest

from easycv_like.apis import train_cli
from easycv_like.apis.evaluate import main as eval_main
from easycv_like.apis.extract_features import main as extract_main
from easycv_like.apis.knn_eval import main as knn_main
from easycv_like.engine.work_dir_lock import claim_work_dir

from ..cli_exit import stderr_of_exit_2
from ..conftest import REPO, write_tiny_config

DIGITS = osp.join(REPO, 'configs', 'classification', 'digits', 'resnet18_digits.py')


def test_train_names_the_missing_data_file_and_the_folder_it_was_read_from(tmp_path, capsys,
                                                                          monkeypatch):
    monkeypatch.chdir(tmp_path)  # the config's data/digits/... paths are relative: not here
    err = stderr_of_exit_2(capsys, train_cli.main, [DIGITS, '--work_dir', str(tmp_path / 'w')])
    assert err.startswith("train.py: error: no such file or folder 'data/digits/")
    assert f'Relative paths are read from {str(tmp_path)!r}' in err


def test_a_missing_config_is_one_line(tmp_path, capsys):
    for main, prog in ((train_cli.main, 'train.py'), (eval_main, 'eval.py')):
        argv = [str(tmp_path / 'nope.py')] + (['x.pth'] if prog == 'eval.py' else [])
        err = stderr_of_exit_2(capsys, main, argv)
        assert err == f'{prog}: error: Config file {tmp_path / "nope.py"} does not exist.\n'


def test_config_and_checkpoint_in_the_wrong_places(tmp_path, capsys):
    ckpt = tmp_path / 'epoch_1.pth'
    ckpt.write_bytes(b'not read')
    err = stderr_of_exit_2(capsys, train_cli.main, [str(tmp_path)])
    assert err == (f'train.py: error: Config file {tmp_path} is a folder; give a config file '
                   'in it.\n')
    err = stderr_of_exit_2(capsys, eval_main, [str(ckpt), DIGITS])
    assert err.startswith(f'eval.py: error: Config file {ckpt} is not a config (.py, .json')
    assert 'order of the arguments' in err
    err = stderr_of_exit_2(capsys, eval_main, [DIGITS, DIGITS])
    assert err == (f'eval.py: error: Checkpoint {DIGITS} is a config file, not a checkpoint; '
                   'check the order of the arguments (--help).\n')
    err = stderr_of_exit_2(capsys, extract_main, [DIGITS, str(tmp_path)])
    assert err.startswith(f'extract_features.py: error: Checkpoint {tmp_path} is a folder')


@pytest.mark.parametrize('options,expected', [
    (['model.backbone.deptth=34'], "--cfg-options model.backbone.deptth: 'deptth' is not a key "
                                   "of model.backbone (did you mean 'depth'?)"),
    (['model.backbone.depth'], "--cfg-options expects KEY=VALUE pairs, got "
                               "'model.backbone.depth'."),
    (['custom_hooks.0.priority=1'], "--cfg-options custom_hooks.0.priority: custom_hooks is a "
                                    "list of 0; '0' is not an index of it."),
    (['data.imgs_per_gpu=[1,2'], "--cfg-options value '[1,2': Imbalanced brackets"),
    # the next three used to end in a traceback (a RecursionError inside mmengine's parser for
    # the first; a KeyError / ValueError from building the schedule / loop for the others)
    (["custom_hooks=[dict(type='EMAHook', momentum=0.1)]"],
     "--cfg-options value \"[dict(type='EMAHook', momentum=0.1)]\" is a call, which is not "
     "read: write a dict as {'a': 1}"),
    (['lr_config.power=2'], "lr_config key 'power' is not used by policy 'CosineAnnealing'"),
    (['eval_config.dynamic_intervals=[(9, 1)]'],
     'eval_config.dynamic_intervals [(9, 1)] start after the run ends (8)'),
])
def test_cfg_options_mistakes_are_one_line(tmp_path, capsys, options, expected):
    err = stderr_of_exit_2(capsys, train_cli.main, [DIGITS, '--work_dir', str(tmp_path),
                                                   '--cfg-options', *options])
    assert err.startswith(f'train.py: error: {expected}') and err.count('\n') == 1


@pytest.mark.parametrize('options,expected', [
    # raised from the data builder, the schedule, the EMA and eval_pipelines resolution and the
    # model constructors: plain ValueError / KeyError tracebacks before they were ConfigError
    (["data.backend='dali'"],
     "data.backend='dali' but data.train.type='ClsDataset' runs on 'torch': data.train needs a "
     'DALI dataset (DaliClsDataset, DaliMultiViewDataset, DaliMultiCropDataset).'),
    (['total_epochs=None', 'total_iters=5', 'lr_config.by_epoch=True'],
     'lr_config.by_epoch=True counts epochs: train with total_epochs, not total_iters, or leave '
     'it out.'),
    (["eval_pipelines.0.data='vall'"],
     "eval_pipelines[0].data='vall' (did you mean 'val'?) names no dataset of data (splits: "
     "['train', 'val'])."),
    (["ema={'type': 'ExponentialMovingAverage', 'gamma': 3}"],
     "ema.gamma applies only to type 'ExpMomentumEMA', not 'ExponentialMovingAverage'."),
    (['model.head.num_classes=0'], 'model.head: ClsHead.num_classes must be >= 1, got 0.'),
    (['model.backbone.depth=19'],
     'model.backbone: ResNet.depth must be one of [18, 34, 50, 101, 152], got 19.'),
    (['+model.backbone.frozen_stages=7'],
     'model.backbone: ResNet frozen_stages must be in -1..4, got 7'),
])
def test_config_values_refused_while_building_are_one_line(tmp_path, capsys, options, expected):
    err = stderr_of_exit_2(capsys, train_cli.main, [DIGITS, '--work_dir', str(tmp_path),
                                                   '--cfg-options', *options])
    assert err == f'train.py: error: {expected}\n'


_RRC = "dict(type='RandomResizedCrop', size=16, scale=(1.0, 0.5))"  # scale: (low, high)


@pytest.mark.parametrize('extra,expected', [
    ("lr_config = dict(_delete_=True, policy='YOLOX', num_last_epochs=2)",
     "lr_config.policy='YOLOX': the warm-up (0 iterations) and lr_config.num_last_epochs=2 (16 "
     "iterations) leave no cosine phase in the run's 16 iterations: shorten them or train "
     'longer.'),
    ("lr_config = dict(warmup='exp', warmup_ratio=0.0)",
     "lr_config.warmup='exp' needs warmup_ratio > 0, got lr_config.warmup_ratio=0.0."),
    ("custom_hooks = [dict(type='ModeSwitchHook', num_last_epochs=1, switches=['use_l1'])]",
     "ModeSwitchHook.switches=['use_l1']: Classification declares no switch 'use_l1'; it "
     'declares [] (scheduled_values()).'),
    ("custom_hooks = [dict(type='MomentumUpdateHook')]",
     'MomentumUpdateHook needs a model with momentum_pairs() and momentum_at() '
     '(MomentumEncodersMixin); Classification has not: remove it from custom_hooks.'),
    ("custom_hooks = [dict(type='ModeSwitchHook', num_last_epochs=-1)]",
     'custom_hooks[0]: ModeSwitchHook.num_last_epochs must be an int >= 0, got -1.'),
    (f"data['train']['pipeline'] = [dict(type='LoadImage'), {_RRC}, dict(type='PackInputs')]",
     'data.train.pipeline[1]: RandomResizedCrop.scale must be (low, high) with 0 < low <= high, '
     'got (1.0, 0.5).'),
    (f"eval_pipelines[0]['data']['pipeline'] = [dict(type='LoadImage'), {_RRC}]",
     'eval_pipelines[0].data.pipeline[1]: RandomResizedCrop.scale must be (low, high) with '
     '0 < low <= high, got (1.0, 0.5).'),
    *[(f"data.update(imgs_per_gpu=128, drop_last=True)\n{length}",  # 120 training images
       'The training data gives no batch: data.train has 120 samples (120 for this process), '
       'fewer than data.imgs_per_gpu=128, and data.drop_last=True drops the short batch. Lower '
       'data.imgs_per_gpu or add images.')
      for length in ('', 'total_epochs = None\ntotal_iters = 4')],
    ("eval_pipelines[0]['evaluators'][0]['topk'] = (1, 11)",  # the tiny digits: 10 classes
     'ClsEvaluator topk=(1, 11): there are only 10 classes, so top-11 accuracy would be 100% '
     'whatever the model. Use k up to 10, e.g. topk=(1, 2).'),
    ("model['head'] = dict(topk=(1, 11))",  # was: acc_top11 logged as 100% at every step
     'model.head: ClsHead topk=(1, 11): there are only 10 classes, so top-11 accuracy would be '
     '100% whatever the model. Use k up to 10, e.g. topk=(1, 2).'),
])
def test_config_values_refused_when_training_starts_are_one_line(tmp_path, capsys, monkeypatch,
                                                                  tiny_digits, extra, expected):
    """Mistakes that need the built Runner (the epoch length, the model, the datasets): still one
    line, and before any training step (a step here would end in an AssertionError traceback)."""
    from mmengine.model import BaseModel

    def no_step(*args, **kwargs):
        raise AssertionError('a training step ran')
    monkeypatch.setattr(BaseModel, 'train_step', no_step)
    config = write_tiny_config(str(tmp_path), tiny_digits, extra)
    err = stderr_of_exit_2(capsys, train_cli.main, [config, '--work_dir', str(tmp_path / 'w')])
    assert err == f'train.py: error: {expected}\n'


@pytest.mark.parametrize('flags,expected', [
    (['--seed', '1'], '--seed is not an option of train.py: the seed is a config key: '
                      '--cfg-options seed=1.'),
    (['--deterministic'], '--deterministic is not an option of train.py: it is a config key: '
                          '--cfg-options deterministic=True.'),
    (['--gpus', '2'], '--gpus is not an option of train.py: train.py runs one process; for 2 '
                      'GPUs run bash tools/dist_train.sh CONFIG 2 (in Python: '
                      'easycv_like.train(CONFIG, gpus=2)).'),
    (['--amp'], '--amp is not an option of train.py: mixed precision is --fp16.'),
])
def test_flags_of_other_toolboxes_name_the_equivalent(capsys, flags, expected):
    """mmengine / mmdet / EasyCV train flags got argparse's bare 'unrecognized arguments'."""
    err = stderr_of_exit_2(capsys, train_cli.main, [DIGITS, *flags])
    assert err == f'train.py: error: {expected}\n'
    err = stderr_of_exit_2(capsys, train_cli.main, [DIGITS, '--sede', '1'])  # others: argparse's
    assert err.endswith('train.py: error: unrecognized arguments: --sede 1\n')


def test_work_dir_empty_a_file_or_locked(tmp_path, capsys):
    err = stderr_of_exit_2(capsys, train_cli.main, [DIGITS, '--work_dir', ''])
    assert err == ('train.py: error: --work_dir is an empty string; give a path or leave it '
                   'out.\n')  # was: silently trained into work_dirs/resnet18_digits
    err = stderr_of_exit_2(capsys, train_cli.main, [DIGITS, '--work_dir', DIGITS])
    assert err == f'train.py: error: work_dir {DIGITS} is a file, not a folder.\n'
    with claim_work_dir(str(tmp_path)):
        err = stderr_of_exit_2(capsys, train_cli.main, [DIGITS, '--work_dir', str(tmp_path)])
    assert err.startswith(f'train.py: error: Work dir {tmp_path} is in use by another run')


def test_an_unwritable_out_is_refused_before_evaluating(tmp_path, capsys):
    out = tmp_path / 'no_such_folder' / 'metrics.json'
    err = stderr_of_exit_2(capsys, eval_main, [DIGITS, 'x.pth', '--out', str(out)])
    assert err == (f"eval.py: error: --out '{out}': the folder "
                   f"'{tmp_path / 'no_such_folder'}' does not exist.\n")


def test_knn_eval_of_missing_features(tmp_path, capsys):
    err = stderr_of_exit_2(capsys, knn_main, ['--train-features', str(tmp_path),
                                             '--val-features', str(tmp_path)])
    assert err.startswith(f"knn_eval.py: error: no such file or folder "
                          f"'{tmp_path / 'features.npy'}'")


def test_devices_are_checked_before_loading(monkeypatch, capsys):
    import torch
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    err = stderr_of_exit_2(capsys, extract_main, [DIGITS, 'x.pth', '--device', 'gpu'])
    assert err == ("extract_features.py: error: --device 'gpu' is not a device: use 'cpu', "
                   "'cuda' or 'cuda:N'.\n")
    err = stderr_of_exit_2(capsys, extract_main, [DIGITS, 'x.pth', '--device', 'cuda:0'])
    assert err == ('extract_features.py: error: --device cuda:0: this machine has no CUDA '
                   'device; use --device cpu.\n')


def test_knn_numbers_that_would_give_a_meaningless_accuracy(tmp_path, capsys):
    import numpy as np
    from easycv_like.apis.extract_features import save_features
    save_features(str(tmp_path), np.eye(4, dtype=np.float32), np.arange(4))
    feats = ['--train-features', str(tmp_path), '--val-features', str(tmp_path)]
    err = stderr_of_exit_2(capsys, knn_main, feats + ['--k', '5'])  # was: silently k=4
    assert err == 'knn_eval.py: error: k=5: choose 1 to 4, the number of training features.\n'
    for flag, value in (('--k', '0'), ('--temperature', '0'), ('--temperature', '-1')):
        err = stderr_of_exit_2(capsys, knn_main, feats + [flag, value])
        assert err.endswith(f'error: argument {flag}: must be a positive '
                            f'{"integer" if flag == "--k" else "number"}, got {value}\n')
    assert knn_main(feats + ['--k', '1'])['top1'] == 100.0


def test_a_work_dir_that_cannot_be_written_is_one_line(tmp_path, capsys, monkeypatch):
    """A read-only work dir (simulated: the tests may run as root, who may write anywhere)."""
    def read_only(work_dir):
        raise PermissionError(13, 'Permission denied', f'{work_dir}/run.lock')
    monkeypatch.setattr(train_cli, 'claim_work_dir', read_only)
    err = stderr_of_exit_2(capsys, train_cli.main, [DIGITS, '--work_dir', str(tmp_path)])
    assert err == f"train.py: error: cannot use '{tmp_path}/run.lock': Permission denied.\n"


@pytest.mark.parametrize('launcher,missing,how', [
    ('pytorch', 'RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT', 'tools/dist_train.sh or torchrun'),
    ('slurm', 'SLURM_PROCID, SLURM_NTASKS, SLURM_NODELIST', 'tools/slurm_train.sh or srun')])
def test_a_launcher_outside_its_launch_tool(tmp_path, capsys, monkeypatch, launcher, missing,
                                            how):
    for name in missing.split(', '):
        monkeypatch.delenv(name, raising=False)
    argv = [DIGITS, '--work_dir', str(tmp_path), '--launcher', launcher,
            '--cfg-options', f"data.train.data_source.list_file='{DIGITS}'"]  # never read
    err = stderr_of_exit_2(capsys, train_cli.main, argv)  # slurm was a KeyError traceback
    assert err.startswith(f'train.py: error: --launcher {launcher} needs the environment')
    assert f'missing {missing}. Start with {how}.' in err


@pytest.mark.parametrize('workers', [0, 1])
def test_an_unreadable_image_is_one_line_naming_it_and_the_skip_option(tmp_path, capsys,
                                                                        tiny_digits, workers):
    """A 0-byte file in the training list: the error of the loader (re-raised by a worker with
    its traceback in front when workers_per_gpu > 0) is one line naming the file."""
    (tmp_path / 'empty.png').write_bytes(b'')
    (tmp_path / 'list.txt').write_text(f'empty.png 0\n{tiny_digits}/images/0000.png 1\n')
    extra = (f"data['train']['data_source']['list_file'] = {str(tmp_path / 'list.txt')!r}\n"
             f"data['workers_per_gpu'] = {workers}\ndata['imgs_per_gpu'] = 2\n"
             'lr_config = dict(warmup_iters=1)')  # 2 iterations: the warm-up ends before
    config = write_tiny_config(str(tmp_path), tiny_digits, extra)
    err = stderr_of_exit_2(capsys, train_cli.main, [config, '--work_dir', str(tmp_path / 'w')])
    assert err.startswith(f"train.py: error: Bad image file '{tmp_path / 'empty.png'}': the "
                          'file is empty (0 bytes). Replace or remove the file')
    assert '+data.train.max_bad_samples=10' in err and len(err.splitlines()) == 1


def test_an_unreadable_image_of_an_evaluation_dataset_names_its_entry(tmp_path, capsys,
                                                                      tiny_digits):
    """The hint named data.train for a bad file of eval_pipelines[0], whose max_bad_samples is
    the one that skips it."""
    (tmp_path / 'empty.png').write_bytes(b'')
    (tmp_path / 'list.txt').write_text(f'empty.png 0\n{tiny_digits}/images/0000.png 1\n')
    extra = (f"eval_pipelines[0]['data']['data_source']['list_file'] = "
             f"{str(tmp_path / 'list.txt')!r}\ntotal_epochs = None\ntotal_iters = 1\n"
             "eval_config = dict(interval=1)\nlr_config = dict(warmup=None)")
    config = write_tiny_config(str(tmp_path), tiny_digits, extra)
    err = stderr_of_exit_2(capsys, train_cli.main, [config, '--work_dir', str(tmp_path / 'w')])
    assert err.startswith(f"train.py: error: Bad image file '{tmp_path / 'empty.png'}'")
    assert err.endswith('skip unreadable files, max_bad_samples=K in eval_pipelines[0].data (or '
                        "in the split of data it names, e.g. data.val for data='val'; "
                        'docs/reliability.md).\n')
    assert 'data.train' not in err and len(err.splitlines()) == 1


def test_images_left_in_several_sizes_are_one_line_naming_them(tmp_path, capsys, tiny_digits):
    """A pipeline without a crop and a wide photo: the error from a loader worker is one line
    naming the file and its size, not torch's 'stack expects each tensor to be equal size'."""
    import cv2
    import numpy as np
    cv2.imwrite(str(tmp_path / 'wide.png'), np.zeros((8, 12, 3), np.uint8))
    (tmp_path / 'list.txt').write_text(f'{tiny_digits}/images/0000.png 0\nwide.png 1\n')
    extra = (f"data['train']['data_source']['list_file'] = {str(tmp_path / 'list.txt')!r}\n"
             "data['workers_per_gpu'] = 1\ndata['imgs_per_gpu'] = 2\n"
             'lr_config = dict(warmup_iters=1)')  # 2 iterations: the warm-up ends before
    config = write_tiny_config(str(tmp_path), tiny_digits, extra)
    err = stderr_of_exit_2(capsys, train_cli.main, [config, '--work_dir', str(tmp_path / 'w')])
    assert err.startswith('train.py: error: The images of one batch have 2 different sizes')
    assert f"{tmp_path / 'wide.png'} [3, 8, 12]" in err and len(err.splitlines()) == 1
