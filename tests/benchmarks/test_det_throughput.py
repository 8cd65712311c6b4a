"""benchmarks/det_throughput.py --smoke: both comparisons run, tiny, on the CPU."""
import os.path as osp
import sys

import pytest

from ..conftest import REPO

sys.path.insert(0, osp.join(REPO, 'benchmarks'))
import det_throughput  # noqa: E402


def test_smoke_runs_both_comparisons(capsys):
    report = det_throughput.main(['--smoke'])
    assert report['train_plain'] > 0 and report['train_runner'] > 0
    assert report['train_ratio'] == pytest.approx(report['train_runner'] / report['train_plain'])
    assert len(report['train_pairs']) == 1
    assert report['predict_raw_ms'] > 0 and report['predict_predictor_ms'] > 0
    assert report['predict_ratio'] == pytest.approx(
        report['predict_raw_ms'] / report['predict_predictor_ms'])
    # every prior is scored above the threshold, so NMS works and keeps up to max_per_img
    assert 0 < report['detections_per_image'] <= 100
    assert (report['widen'], report['size'], report['batch']) == (0.125, 64, 2)
    out = capsys.readouterr().out
    assert 'training, easycv_like Runner' in out and 'DetectionPredictor' in out


def test_arguments(capsys):
    args = det_throughput.parse_args([])
    assert (args.widen, args.size, args.batch, args.workers) == (0.125, 160, 4, 0)
    assert det_throughput.parse_args(['--widen', '0.5']).widen == 0.5
    with pytest.raises(SystemExit):
        det_throughput.parse_args(['--iters', '0'])
    with pytest.raises(SystemExit):
        det_throughput.parse_args(['--repeats', '0'])
    if not det_throughput.torch.cuda.is_available():
        with pytest.raises(SystemExit):
            det_throughput.parse_args(['--device', 'cuda'])
        assert 'CUDA is not available' in capsys.readouterr().err
