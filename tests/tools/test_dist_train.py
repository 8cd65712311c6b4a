"""tools/dist_train.sh launches torchrun with 2 CPU (gloo) processes."""
import os
import subprocess
import sys

from easycv_like.utils.checkpoint import load_checkpoint_file

from ..conftest import REPO


def test_dist_train_sh_two_processes(tiny_config, tmp_path):
    work = tmp_path / 'dist'
    env = dict(os.environ, PYTHON=sys.executable, PORT=str(29500 + os.getpid() % 1000))
    proc = subprocess.run(
        ['bash', os.path.join(REPO, 'tools/dist_train.sh'), tiny_config, '2', '--work_dir',
         str(work), '--cfg-options', 'total_epochs=1'],
        env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    ckpt = load_checkpoint_file(work / 'epoch_1.pth')
    assert ckpt['meta']['epoch'] == 1 and ckpt['meta']['iter'] == 4
