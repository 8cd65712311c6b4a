"""tools/dist_train.sh launches torchrun with 2 CPU (gloo) processes; with MAX_RESTARTS a killed
rank is restarted and the job still ends with the uninterrupted run's weights."""
import os
import subprocess
import sys

import pytest
import torch

from easycv_like.utils.checkpoint import load_checkpoint_file

from ..conftest import REPO, write_tiny_config

KILL_PLUGIN = '''
import os, signal
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from easycv_like.registry import HOOKS


@HOOKS.register_module(force=True)
class KillRankHook(Hook):
    """SIGKILLs one rank after an iteration, in torchrun's first attempt only."""

    def __init__(self, rank, at_iter):
        self.rank, self.at_iter = rank, at_iter

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if (get_rank() == self.rank and runner.iter + 1 == self.at_iter
                and os.environ.get('TORCHELASTIC_RESTART_COUNT') == '0'):
            os.kill(os.getpid(), signal.SIGKILL)
'''


def _dist_train(config, work, port_offset=0, max_restarts=0, extra=()):
    env = dict(os.environ, PYTHON=sys.executable, MAX_RESTARTS=str(max_restarts),
               PORT=str(29500 + (os.getpid() + port_offset) % 1000),
               PYTHONPATH=os.pathsep.join(filter(None, [os.path.dirname(config),
                                                        os.environ.get('PYTHONPATH')])))
    return subprocess.run(
        ['bash', os.path.join(REPO, 'tools/dist_train.sh'), config, '2', '--work_dir',
         str(work), *extra], env=env, capture_output=True, text=True, timeout=600)


def test_dist_train_sh_two_processes(tiny_config, tmp_path):
    work = tmp_path / 'dist'
    proc = _dist_train(tiny_config, work, extra=['--cfg-options', 'total_epochs=1',
                                                 'lr_config.warmup_iters=2'])  # < 4 iterations
    assert proc.returncode == 0, proc.stderr[-3000:]
    ckpt = load_checkpoint_file(work / 'epoch_1.pth')
    assert ckpt['meta']['epoch'] == 1 and ckpt['meta']['iter'] == 4


@pytest.fixture(scope='module')
def uninterrupted_dist_run(tmp_path_factory, tiny_digits):
    folder = tmp_path_factory.mktemp('dist_plain')
    proc = _dist_train(write_tiny_config(str(folder), tiny_digits), folder / 'work', 1)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return load_checkpoint_file(folder / 'work' / 'epoch_2.pth')


@pytest.mark.slow
@pytest.mark.parametrize('rank,at_iter', [(1, 6), (0, 3)],
                         ids=['rank1-after-first-checkpoint', 'rank0-before-any-checkpoint'])
def test_killed_rank_is_restarted_exactly(uninterrupted_dist_run, tiny_digits, tmp_path,
                                          rank, at_iter):
    (tmp_path / 'kill_plugin.py').write_text(KILL_PLUGIN)
    config = write_tiny_config(str(tmp_path), tiny_digits, extra=(
        "custom_imports = dict(imports=['kill_plugin'])\n"
        f"custom_hooks = [dict(type='KillRankHook', rank={rank}, at_iter={at_iter})]\n"
        "dist_params = dict(timeout=60)"))
    proc = _dist_train(config, tmp_path / 'work', 2 + rank, max_restarts=1)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert 'exitcode: -9' in proc.stderr, proc.stderr[-4000:]  # the kill happened
    final = load_checkpoint_file(tmp_path / 'work' / 'epoch_2.pth')
    expected = uninterrupted_dist_run
    assert final['meta']['iter'] == expected['meta']['iter'] == 8
    for key, value in expected['state_dict'].items():
        assert torch.equal(value, final['state_dict'][key]), key
