"""tools/dist_train.sh and slurm_train.sh: a usage message without arguments, and the interpreter
of the installed environment rather than the first `python` on PATH."""
import os
import shutil
import stat
import subprocess

import pytest

from ..conftest import REPO

SCRIPTS = {'dist_train.sh': ['cfg.py', '2'], 'slurm_train.sh': ['part', 'job', 'cfg.py']}


def _run(script_path, args, env=None):
    return subprocess.run(['bash', str(script_path), *args], capture_output=True, text=True,
                          timeout=60, env=env)


@pytest.mark.parametrize('script', sorted(SCRIPTS))
def test_no_arguments_prints_usage_and_fails(script):
    proc = _run(os.path.join(REPO, 'tools', script), [])
    assert proc.returncode == 2
    assert f'Usage: bash tools/{script}' in proc.stderr
    assert 'required' in proc.stderr and 'unbound variable' not in proc.stderr


@pytest.mark.parametrize('script', sorted(SCRIPTS))
def test_help_prints_usage_and_succeeds(script):
    proc = _run(os.path.join(REPO, 'tools', script), ['--help'])
    assert proc.returncode == 0 and f'Usage: bash tools/{script}' in proc.stdout
    assert 'PYTHON' in proc.stdout


def test_dist_train_rejects_a_bad_process_count():
    proc = _run(os.path.join(REPO, 'tools', 'dist_train.sh'), ['cfg.py', 'eight'])
    assert proc.returncode == 2
    assert "NUM_PROCS must be a positive integer, got 'eight'" in proc.stderr


def _executable(path, text):
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def fake_repo(tmp_path):
    """A copy of tools/*.sh beside a .venv whose python logs its arguments, and a PATH whose
    `python`/`python3` fail (the wrong interpreter) and whose `srun` runs its command."""
    (tmp_path / 'repo' / 'tools').mkdir(parents=True)
    for name in ('dist_train.sh', 'slurm_train.sh', 'python_env.sh', 'int_args.sh'):
        shutil.copy(os.path.join(REPO, 'tools', name), tmp_path / 'repo' / 'tools' / name)
    venv_bin = tmp_path / 'repo' / '.venv' / 'bin'
    venv_bin.mkdir(parents=True)
    log = tmp_path / 'calls.log'
    _executable(venv_bin / 'python', f'#!/bin/sh\necho "venv-python $*" >> {log}\n')
    path_bin = tmp_path / 'bin'
    path_bin.mkdir()
    for name in ('python', 'python3'):
        _executable(path_bin / name, f'#!/bin/sh\necho "path-python $*" >> {log}\nexit 1\n')
    _executable(path_bin / 'srun', '#!/bin/sh\n'  # skip srun's options: up to an absolute path
                                   'while [ "${1#/}" = "$1" ]; do shift; done\nexec "$@"\n')
    env = {k: v for k, v in os.environ.items()
           if k not in ('PYTHON', 'VIRTUAL_ENV', 'CONDA_PREFIX')}
    env['PATH'] = f'{path_bin}:/usr/bin:/bin'
    return tmp_path / 'repo', env, log


@pytest.mark.parametrize('script', sorted(SCRIPTS))
def test_uses_the_installed_environment_not_path(fake_repo, script):
    repo, env, log = fake_repo
    proc = _run(repo / 'tools' / script, SCRIPTS[script], env)
    assert proc.returncode == 0, proc.stderr
    calls = log.read_text().splitlines()
    assert calls and all(c.startswith('venv-python ') for c in calls), calls
    assert any('train.py cfg.py --launcher' in c for c in calls)


def test_explicit_python_wins_and_a_broken_one_is_named(fake_repo):
    repo, env, log = fake_repo
    env = dict(env, PYTHON='python3')  # the failing one on PATH
    proc = _run(repo / 'tools' / 'dist_train.sh', ['cfg.py', '2'], env)
    assert proc.returncode != 0
    assert 'cannot import torch and easycv_like' in proc.stderr
    assert 'set PYTHON=' in proc.stderr
    assert log.read_text().startswith('path-python -c')


@pytest.mark.parametrize('script,env,message', [
    ('dist_train.sh', {'MAX_RESTARTS': 'two'}, "MAX_RESTARTS must be a whole number, got 'two'"),
    ('dist_train.sh', {'NNODES': '0'}, "NNODES must be a positive integer, got '0'"),
    ('dist_train.sh', {'PORT': '29x'}, "PORT must be a positive integer, got '29x'"),
    ('slurm_train.sh', {'GPUS': 'abc'}, "GPUS must be a positive integer, got 'abc'"),
    ('slurm_train.sh', {'CPUS_PER_TASK': '-1'}, "CPUS_PER_TASK must be a positive integer"),
])
def test_a_bad_number_in_the_environment_is_named(fake_repo, script, env, message):
    repo, base_env, log = fake_repo
    proc = _run(repo / 'tools' / script, SCRIPTS[script], dict(base_env, **env))
    assert proc.returncode == 2 and proc.stderr.startswith(f'error: {message}')
    assert len(proc.stderr.splitlines()) == 1
    assert not log.exists()  # nothing was launched


def test_slurm_asks_for_no_more_gpus_per_node_than_in_total(fake_repo):
    repo, env, _ = fake_repo
    srun_log = repo.parent / 'srun.log'
    _executable(repo.parent / 'bin' / 'srun', f'#!/bin/sh\necho "$*" > {srun_log}\n')
    proc = _run(repo / 'tools' / 'slurm_train.sh', SCRIPTS['slurm_train.sh'],
                dict(env, GPUS='4', SRUN_ARGS='--time=10 --qos=high'))
    assert proc.returncode == 0, proc.stderr
    args = srun_log.read_text().split()
    assert '--gres=gpu:4' in args and '--ntasks=4' in args and '--ntasks-per-node=4' in args
    assert args[args.index('--requeue') + 1:][:2] == ['--time=10', '--qos=high']
