"""tools/train.py and tools/eval.py end with one line naming a file the config needs but the disk
lacks (exit status 2), not a traceback through the Runner."""
import os.path as osp

import pytest

from easycv_like.apis import train_cli
from easycv_like.apis.evaluate import main as eval_main

from ..conftest import REPO

DIGITS = osp.join(REPO, 'configs', 'classification', 'digits', 'resnet18_digits.py')


def _stderr_of_exit(capsys, main, argv) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    return capsys.readouterr().err


def test_train_names_the_missing_data_file_and_the_folder_it_was_read_from(tmp_path, capsys,
                                                                          monkeypatch):
    monkeypatch.chdir(tmp_path)  # the config's data/digits/... paths are relative: not here
    err = _stderr_of_exit(capsys, train_cli.main, [DIGITS, '--work_dir', str(tmp_path / 'w')])
    assert err.startswith("train.py: error: no such file or folder 'data/digits/")
    assert f'Relative paths are read from {str(tmp_path)!r}' in err
    assert 'Traceback' not in err


def test_a_missing_config_is_one_line(tmp_path, capsys):
    for main, prog in ((train_cli.main, 'train.py'), (eval_main, 'eval.py')):
        argv = [str(tmp_path / 'nope.py')] + (['x.pth'] if prog == 'eval.py' else [])
        err = _stderr_of_exit(capsys, main, argv)
        assert err == f'{prog}: error: Config file {tmp_path / "nope.py"} does not exist.\n'
