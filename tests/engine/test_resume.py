"""A run interrupted after a checkpoint and resumed ends exactly where an uninterrupted one does."""
import os.path as osp
import shutil

import pytest
import torch

from easycv_like import train
from easycv_like.apis.results import last_checkpoint
from easycv_like.engine.hooks.epoch_length_check_hook import EpochLengthMismatchError
from easycv_like.engine.resume import checkpoint_candidates
from easycv_like.engine.resume_config_check import ResumeConfigMismatchError, differing_keys
from easycv_like.utils.checkpoint import CheckpointLoadError, load_checkpoint_file

from ..conftest import write_tiny_config

STOP_HOOK = '''
from mmengine.hooks import Hook
from easycv_like.registry import HOOKS


@HOOKS.register_module()
class CrashAtEpochHook(Hook):
    def __init__(self, epoch):
        self.epoch = epoch

    def before_train_epoch(self, runner):
        if runner.epoch == self.epoch:
            raise RuntimeError(f'simulated crash at epoch {self.epoch}')
'''


def _final(work_dir):
    return load_checkpoint_file(osp.join(work_dir, 'epoch_2.pth'))


def test_interrupted_and_resumed_run_matches(tmp_path, tiny_digits, monkeypatch):
    (tmp_path / 'crash_hook.py').write_text(STOP_HOOK)
    monkeypatch.syspath_prepend(str(tmp_path))
    plain = write_tiny_config(str(tmp_path), tiny_digits)
    full = train(plain, work_dir=str(tmp_path / 'A'))

    crash_dir = tmp_path / 'crash'
    crash_dir.mkdir()
    crashing = write_tiny_config(str(crash_dir), tiny_digits, extra=(
        "custom_imports = dict(imports=['crash_hook'])\n"
        "custom_hooks = [dict(type='CrashAtEpochHook', epoch=1)]"))
    with pytest.raises(RuntimeError, match='simulated crash'):
        train(crashing, work_dir=str(tmp_path / 'B'))
    assert sorted(p.name for p in (tmp_path / 'B').glob('epoch_*.pth')) == ['epoch_1.pth']

    resumed = train(plain, work_dir=str(tmp_path / 'B'), resume='auto')
    a, b = _final(full['work_dir']), _final(resumed['work_dir'])
    assert a['meta']['epoch'] == b['meta']['epoch'] == 2
    assert a['meta']['iter'] == b['meta']['iter'] == 16
    for key, value in a['state_dict'].items():
        assert torch.equal(value, b['state_dict'][key]), key
    for pa, pb in zip(a['optimizer']['state'].values(), b['optimizer']['state'].values()):
        assert torch.equal(pa['momentum_buffer'], pb['momentum_buffer'])
    assert a['param_schedulers'] == b['param_schedulers']
    assert full['metrics'] == resumed['metrics']


@pytest.fixture(scope='module')
def one_epoch_run(tmp_path_factory, tiny_digits):
    """A finished 1-epoch run: (config path, work dir)."""
    folder = tmp_path_factory.mktemp('one_epoch')
    config = write_tiny_config(str(folder), tiny_digits, extra='total_epochs = 1')
    result = train(config, work_dir=str(folder / 'work'))
    return config, result['work_dir']


def test_pointer_is_relative_and_a_copied_work_dir_resumes_from_its_own_files(one_epoch_run,
                                                                               tmp_path):
    _, work = one_epoch_run
    assert open(osp.join(work, 'last_checkpoint')).read() == 'epoch_1.pth'
    copy = tmp_path / 'copied'
    shutil.copytree(work, copy)
    assert checkpoint_candidates(str(copy))[0] == str(copy / 'epoch_1.pth')
    assert last_checkpoint(str(copy)) == str(copy / 'epoch_1.pth')


def test_absolute_pointer_outside_the_work_dir_is_ignored(tmp_path, mmengine_warnings):
    (tmp_path / 'other').mkdir()
    (tmp_path / 'other' / 'epoch_3.pth').write_bytes(b'x')
    work = tmp_path / 'work'
    work.mkdir()
    (work / 'epoch_1.pth').write_bytes(b'x')
    (work / 'last_checkpoint').write_text(str(tmp_path / 'other' / 'epoch_3.pth'))
    assert checkpoint_candidates(str(work)) == [str(work / 'epoch_1.pth')]
    assert any('outside this work dir' in r.getMessage() for r in mmengine_warnings)


@pytest.mark.parametrize('options,named', [
    ({'model.head.num_classes': 5}, 'model.head.num_classes: 10 -> 5'),
    ({'model.backbone.depth': 34}, 'model.backbone.depth: 18 -> 34'),
    ({'optimizer.lr': 0.5}, 'optimizer.lr: 0.1 -> 0.5'),
    ({'optimizer.momentum': 0.5}, 'optimizer.momentum: 0.9 -> 0.5'),
    ({'data.imgs_per_gpu': 8}, 'data.imgs_per_gpu: 16 -> 8'),
    ({'seed': 7}, 'seed: 0 -> 7'),
    ({'lr_config.warmup_iters': 8}, 'lr_config.warmup_iters: 4 -> 8'),
    # a longer run trained its new epochs at the old cosine's end, lr 0
    ({'total_epochs': 2}, 'total_epochs: 1 -> 2'),
    ({'total_epochs': None, 'total_iters': 16}, "total_epochs: 1 -> None"),
])
def test_resume_with_a_different_config_names_the_keys(one_epoch_run, options, named):
    config, work = one_epoch_run
    with pytest.raises(ResumeConfigMismatchError) as err:
        train(config, work_dir=work, resume='auto', cfg_options=options)
    assert named in str(err.value) and 'epoch_1.pth' in str(err.value)
    assert not osp.exists(osp.join(work, 'epoch_2.pth'))


def test_differing_keys_ignore_init_cfg_and_list_everything():
    saved = dict(model=dict(type='A', head=dict(num_classes=10), init_cfg=dict(checkpoint='x')),
                 optimizer=dict(type='SGD', lr=0.1), seed=0, data=dict(imgs_per_gpu=16))
    current = dict(model=dict(type='A', head=dict(num_classes=10, extra=1),
                              init_cfg=dict(checkpoint='y')),
                   optimizer=dict(type='SGD', lr=0.1), seed=0,
                   data=dict(imgs_per_gpu=16, drop_last=True))
    assert differing_keys(saved, current) == ["model.head.extra: '<absent>' -> 1",
                                              "data.drop_last: '<absent>' -> True"]
    assert differing_keys(saved, saved) == []


def test_resume_with_a_shorter_training_set_is_refused(one_epoch_run, tiny_digits, tmp_path):
    config, work = one_epoch_run
    shorter = tmp_path / 'train_100.txt'
    with open(osp.join(tiny_digits, 'train_small.txt')) as f:
        shorter.write_text(''.join(f.readlines()[:100]))
    with pytest.raises(EpochLengthMismatchError, match='8 iterations per epoch on 1 process'):
        train(config, work_dir=work, resume='auto', cfg_options={
            'data.train.data_source.list_file': str(shorter)})
    assert not osp.exists(osp.join(work, 'epoch_2.pth'))


@pytest.mark.parametrize('container', [None, 'state_dict', 'model'])
def test_resume_from_a_weights_only_file_points_to_load_from(one_epoch_run, tmp_path, container):
    config, work = one_epoch_run
    state = load_checkpoint_file(osp.join(work, 'epoch_1.pth'))['state_dict']
    weights = str(tmp_path / 'weights.pth')
    torch.save(state if container is None else {container: state}, weights)
    with pytest.raises(CheckpointLoadError, match=r'meta epoch and iter missing.* '
                                                  rf'use --load_from {weights} ') as err:
        train(config, work_dir=str(tmp_path / 'work'), resume=weights,
              cfg_options=dict(total_epochs=2))
    assert (f"'{container}'" if container else '... (') in str(err.value)
