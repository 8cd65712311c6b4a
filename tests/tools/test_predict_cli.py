"""tools/predict.py: folders, --topk, --json, and a distinct message for each mistake."""
import json
import os
import os.path as osp
import shutil
import subprocess
import sys

import pytest
import torch

from easycv_like.apis.predict import main
from easycv_like.predictors import ClassificationPredictor
from easycv_like.registry import MODELS

from ..conftest import REPO


@pytest.fixture(scope='module')
def image_folder(tmp_path_factory, tiny_digits):
    """Six digit PNGs in two sub-folders, plus a README that is not an image."""
    root = tmp_path_factory.mktemp('to_predict')
    for i in range(6):
        sub = root / ('a' if i < 3 else 'b')
        sub.mkdir(exist_ok=True)
        shutil.copy(osp.join(tiny_digits, 'images', f'{i:04d}.png'), sub / f'{i}.png')
    (root / 'README.txt').write_text('not an image')
    return str(root)


def _error(capsys, argv):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    return capsys.readouterr().err


def test_folder_topk_and_json(trained_run, image_folder, tmp_path, capsys):
    out = tmp_path / 'preds.json'
    records = main([trained_run['checkpoint'], image_folder, '--topk', '3', '--json', str(out)])
    paths = [r['path'] for r in records]
    assert paths == sorted(paths) and len(paths) == 6  # recursive, README skipped
    assert all(len(r['predictions']) == 3 for r in records)
    predictor = ClassificationPredictor(trained_run['checkpoint'])
    expected = predictor.predict(paths)
    for record, exp in zip(records, expected):
        best = record['predictions']
        assert best[0]['class'] == exp['class'] and best[0]['score'] == pytest.approx(exp['score'])
        assert best[0]['score'] >= best[1]['score'] >= best[2]['score']
        assert best[1]['score'] == pytest.approx(sorted(exp['scores'])[-2])
        assert best[0]['class_name'] == str(best[0]['class'])
    assert json.loads(out.read_text()) == records
    captured = capsys.readouterr()
    assert (f"{image_folder}: 1 file(s) without an image extension were skipped: "
            f"'{osp.join(image_folder, 'README.txt')}'") in captured.err
    text = captured.out
    assert f'{paths[0]}: class {records[0]["predictions"][0]["class"]} (' in text
    assert text.count(' | ') == 12 and f'wrote 6 predictions to {out}' in text


def test_list_with_truth_and_json_to_stdout(trained_run, tiny_digits, capsys):
    records = main([trained_run['checkpoint'], '--list', osp.join(tiny_digits, 'val_small.txt'),
                    '--limit', '4', '--json', '-'])
    assert len(records) == 4
    with open(osp.join(tiny_digits, 'val_small.txt')) as f:
        truths = [int(line.split()[1]) for line in list(f)[:4]]
    assert [r['true_class'] for r in records] == truths
    assert json.loads(capsys.readouterr().out) == records


def test_missing_file(trained_run, tmp_path, capsys):
    err = _error(capsys, [trained_run['checkpoint'], str(tmp_path / 'nope.jpg')])
    assert "error: no such file or folder '" in err and 'nope.jpg' in err


def test_folder_without_images(trained_run, tmp_path, capsys):
    (tmp_path / 'notes.txt').write_text('x')
    err = _error(capsys, [trained_run['checkpoint'], str(tmp_path)])
    assert 'holds no images (.jpg, .jpeg, .png, .bmp, .webp, .tif, .tiff, .ppm, .pgm); it has 1 ' \
        'other file(s)' in err


def test_file_that_is_not_an_image(trained_run, image_folder, capsys):
    err = _error(capsys, [trained_run['checkpoint'], osp.join(image_folder, 'README.txt')])
    assert "README.txt' is not a usable image: not a decodable image" in err


def test_lines_of_finished_batches_are_printed_before_a_later_bad_file(trained_run, image_folder,
                                                                       capsys):
    """A bad file in the second batch still stops the command, but the first batch's
    prediction was already printed (a long run shows its progress and loses nothing done)."""
    first = osp.join(image_folder, 'a', '0.png')
    with pytest.raises(SystemExit) as exit_info:
        main([trained_run['checkpoint'], first, osp.join(image_folder, 'README.txt'),
              '--batch-size', '1'])
    captured = capsys.readouterr()
    assert exit_info.value.code == 2 and 'is not a usable image' in captured.err
    assert captured.out.startswith(f'{first}: class ')


def test_topk_above_the_number_of_classes(trained_run, image_folder, capsys):
    err = _error(capsys, [trained_run['checkpoint'], image_folder, '--topk', '11'])
    assert 'error: --topk 11 is more than the 10 classes' in err


def test_nothing_to_predict_and_missing_checkpoint(trained_run, image_folder, tmp_path, capsys):
    assert 'give image files, folders or --list' in _error(capsys, [trained_run['checkpoint']])
    err = _error(capsys, [str(tmp_path / 'missing.pth'), image_folder])
    assert 'missing.pth does not exist' in err


def test_self_supervised_checkpoint_points_to_feature_extraction(tmp_path, image_folder,
                                                                 capsys):
    model_cfg = dict(type='DINO', backbone=dict(
        type='VisionTransformer', img_size=16, patch_size=4, embed_dim=32, depth=1, num_heads=2),
        neck=dict(type='DINONeck', in_channels=32, out_channels=16, hid_channels=24,
                  bottleneck_channels=8), head=dict(type='DINOHead', out_channels=16))
    path = str(tmp_path / 'dino.pth')
    torch.save({'state_dict': MODELS.build(model_cfg).state_dict(),
                'meta': {'config_dict': dict(model=model_cfg)}}, path)
    err = _error(capsys, [path, image_folder])
    assert 'self-supervised DINO model: it has no classifier' in err
    assert 'tools/extract_features.py' in err


def test_the_tool_script_reports_errors_without_a_traceback(trained_run, tmp_path):
    env = dict(os.environ, PYTHONPATH=REPO)
    proc = subprocess.run([sys.executable, osp.join(REPO, 'tools', 'predict.py'),
                           trained_run['checkpoint'], str(tmp_path / 'gone.png')],
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 2 and 'Traceback' not in proc.stderr
    assert "predict.py: error: no such file or folder '" in proc.stderr


def test_json_to_stdout_from_the_tool_script_is_only_json(trained_run, tiny_digits):
    """``--json -`` in a real process: mmengine's logger writes to stdout, so the weight-load
    report used to come before the JSON and ``| jq`` failed; it now goes to stderr."""
    env = dict(os.environ, PYTHONPATH=REPO)
    proc = subprocess.run([sys.executable, osp.join(REPO, 'tools', 'predict.py'),
                           trained_run['checkpoint'], '--list',
                           osp.join(tiny_digits, 'val_small.txt'), '--limit', '2', '--json', '-'],
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    records = json.loads(proc.stdout)
    assert len(records) == 2
    assert 'predictions' in records[0] and 'true_class' in records[0]
    assert 'matched ' in proc.stderr and 'Loaded ' in proc.stderr


def test_class_file_missing_here_gives_indices_and_a_warning(tmp_path, monkeypatch):
    import logging

    from mmengine.config import Config
    from mmengine.logging import MMLogger

    from easycv_like.apis.predict import _text_line
    from easycv_like.predictors.base import declared_classes
    monkeypatch.chdir(tmp_path)
    cfg = Config(dict(data=dict(val=dict(data_source=dict(
        type='ImageList', list_file='val.txt', classes='data/imagenet/classes.txt')))))
    logger, records = MMLogger.get_current_instance(), []
    handler = logging.Handler()
    handler.emit = records.append
    logger.addHandler(handler)
    try:
        assert declared_classes(cfg) is None
    finally:
        logger.removeHandler(handler)
    assert [r.levelno for r in records] == [logging.WARNING]
    assert "'data/imagenet/classes.txt', which does not exist here" in records[0].getMessage()
    record = {'path': 'x.jpg', 'predictions': [
        {'class': 713, 'class_name': None, 'score': 0.5},
        {'class': 2, 'class_name': 'bee', 'score': 0.25}]}
    assert _text_line(record) == 'x.jpg: class 713 score 0.500 | class 2 (bee) score 0.250'


def test_list_paths_keep_their_spaces_and_letters(trained_run, tiny_digits, tmp_path, capsys):
    for name in ('two  spaces.png', 'phöto 写真.png'):
        shutil.copy(osp.join(tiny_digits, 'images', '0000.png'), tmp_path / name)
    (tmp_path / 'list.txt').write_text('two  spaces.png 3\nphöto 写真.png\n', encoding='utf-8')
    records = main([trained_run['checkpoint'], '--list', str(tmp_path / 'list.txt')])
    assert [osp.basename(r['path']) for r in records] == ['two  spaces.png', 'phöto 写真.png']
    assert [r.get('true_class') for r in records] == [3, None]
    (tmp_path / 'bad.txt').write_text('a.png 1.5\n')
    err = _error(capsys, [trained_run['checkpoint'], '--list', str(tmp_path / 'bad.txt')])
    assert "bad.txt:1: malformed line 'a.png 1.5': label '1.5' is not an integer" in err


def _last_error_line(capsys, argv):
    """The message of the error line, after ``<prog>: error: `` (the folder scan may first say
    which files it skipped)."""
    return _error(capsys, argv).splitlines()[-1].split(': error: ', 1)[1]


def test_flags_that_do_nothing_here_are_refused(trained_run, image_folder, tmp_path, capsys):
    ckpt = trained_run['checkpoint']
    for flag, value in (('--out-dir', str(tmp_path / 'drawn')), ('--score-thr', '0.5')):
        err = _last_error_line(capsys, [ckpt, image_folder, flag, value])
        assert err == (f'{flag} does nothing for {ckpt}, a classification model '
                       '(tools/predict.py --help says which flags fit which task).')
    assert not (tmp_path / 'drawn').exists()
    err = _last_error_line(capsys, [ckpt, image_folder, '--limit', '3'])
    assert err == '--limit counts the lines of --list; give --list or leave it out.'


def test_an_unwritable_json_is_refused_before_predicting(tmp_path, capsys):
    out, ckpt = tmp_path / 'gone' / 'out.json', str(tmp_path / 'no.pth')
    err = _last_error_line(capsys, [ckpt, str(tmp_path), '--json', str(out)])
    assert err == f"--json '{out}': the folder '{out.parent}' does not exist."
    err = _last_error_line(capsys, [ckpt, str(tmp_path), '--json', str(tmp_path)])
    assert err == f"--json '{tmp_path}' is a folder; give a file name."


def test_a_checkpoint_for_a_config_and_a_config_for_a_checkpoint(trained_run, image_folder,
                                                                capsys):
    config, ckpt = trained_run['config'], trained_run['checkpoint']
    err = _last_error_line(capsys, [config, image_folder])
    assert err.startswith(f'Checkpoint {config} is a config file')
    err = _last_error_line(capsys, [ckpt, image_folder, '--config', ckpt])
    assert err.startswith(f'Config file {ckpt} is not a config (.py')


def test_weights_and_a_config_naming_no_classes_print_one_note(trained_run, image_folder,
                                                               tmp_path, capsys):
    state = torch.load(trained_run['checkpoint'], map_location='cpu')['state_dict']
    weights = str(tmp_path / 'weights.pth')
    torch.save(state, weights)
    config = tmp_path / 'no_names.py'  # the run's config, its data source without classes
    config.write_text(f'_base_ = {trained_run["config"]!r}\neval_pipelines = []\n'
                      "data = dict(val=dict(data_source=dict(classes=None)))\n")
    records = main([weights, image_folder, '--config', str(config), '--topk', '2'])
    err = capsys.readouterr().err
    assert err.count('note: ') == 1
    assert f'neither {weights} nor --config {config} names the classes' in err
    assert len(records) == 6 and all(p['class_name'] is None and isinstance(p['class'], int)
                                     for r in records for p in r['predictions'])
    main([trained_run['checkpoint'], image_folder])  # the run's own names: no note
    assert 'note: ' not in capsys.readouterr().err


def test_list_without_limit_predicts_every_line(trained_run, tiny_digits, capsys):
    """``--list val.txt --json out.json`` used to predict only the first 8 lines, silently."""
    list_file = osp.join(tiny_digits, 'val_small.txt')
    with open(list_file) as f:
        lines = [line.split() for line in f if line.strip()]
    assert len(lines) > 8
    records = main([trained_run['checkpoint'], '--list', list_file, '--json', '-'])
    assert [r['true_class'] for r in records] == [int(label) for _, label in lines]
    assert len(json.loads(capsys.readouterr().out)) == len(lines)
