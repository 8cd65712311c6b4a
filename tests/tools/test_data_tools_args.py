"""convert_to_tfrecord.py, make_shapes_dataset.py, prepare_demo_data.py: a count that makes no
sense or an --out that is a file is a usage error (exit 2, one line naming the flag), not a
traceback or a silent "Wrote -3 train images"."""
import os
import shutil

import convert_to_tfrecord
import make_shapes_dataset
import prepare_demo_data

from ..cli_exit import stderr_of_exit_2


def _error(capsys, main, argv) -> str:
    return stderr_of_exit_2(capsys, main, argv).splitlines()[-1]


def test_counts_and_out_folders(tmp_path, capsys):
    a_file = tmp_path / 'notes.txt'
    a_file.write_text('x')
    assert _error(capsys, make_shapes_dataset.main, ['--out', str(tmp_path), '--num-train', '-3']
                  ).endswith('argument --num-train: must be a positive integer, got -3')
    assert _error(capsys, make_shapes_dataset.main, ['--out', str(a_file)]).endswith(
        f"argument --out: '{a_file}' is a file, not a folder")
    assert _error(capsys, prepare_demo_data.main, ['--out', str(tmp_path), '--size', '0']
                  ).endswith('argument --size: must be a positive integer, got 0')
    base = ['--src-type', 'list', '--src', str(a_file)]
    assert _error(capsys, convert_to_tfrecord.main, base + ['--out', str(a_file)]).endswith(
        f"argument --out: '{a_file}' is a file, not a folder")
    assert _error(capsys, convert_to_tfrecord.main, base + ['--out', str(tmp_path), '--shards',
                                                            '0']).endswith('got 0')


def test_convert_mistakes_after_parsing(tmp_path, tiny_digits, capsys):
    missing = tmp_path / 'nope.txt'
    err = _error(capsys, convert_to_tfrecord.main, ['--src-type', 'list', '--src', str(missing),
                                                    '--out', str(tmp_path / 'tf')])
    assert err.startswith(f"convert_to_tfrecord.py: error: no such file or folder '{missing}'.")
    val = f'{tiny_digits}/val_small.txt'
    err = _error(capsys, convert_to_tfrecord.main, ['--src-type', 'list', '--src', val,
                                                    '--out', str(tmp_path / 'tf'),
                                                    '--shards', '61'])
    assert err == (f'convert_to_tfrecord.py: error: --shards 61 is more than the 60 samples '
                   f'of {val}.')
    assert not (tmp_path / 'tf').exists()


def test_a_val_folder_outside_the_training_classes_is_one_error_line(tmp_path, tiny_digits,
                                                                    capsys):
    """docs/data.md: converting a val folder with --classes TRAIN_FOLDER; a class folder that
    the training split lacks used to end in a ValueError traceback."""
    image = f'{tiny_digits}/images/0000.png'
    for split, name in (('train', 'bee'), ('val', 'bees')):
        os.makedirs(tmp_path / split / name)
        shutil.copy(image, tmp_path / split / name / '1.png')
    err = _error(capsys, convert_to_tfrecord.main, [
        '--src-type', 'ImageFolder', '--src', str(tmp_path / 'val'), '--classes',
        str(tmp_path / 'train'), '--out', str(tmp_path / 'tf')])
    assert err.startswith(f"convert_to_tfrecord.py: error: '{tmp_path / 'val'}' has class "
                          "folder(s) 'bees' (did you mean 'bee'?) that are not in the class list")
