"""benchmarks/seed_speedups.py --smoke: every row runs, shrunk, and ours equal torchvision's
outputs when loaded with its weights."""
import json
import os.path as osp
import sys

import pytest

from ..conftest import REPO

sys.path.insert(0, osp.join(REPO, 'benchmarks'))
import seed_speedups  # noqa: E402


def test_smoke_runs_every_row_with_equal_outputs(tmp_path, capsys):
    out = tmp_path / 'report.json'
    report = seed_speedups.main(['--smoke', '--json', str(out)])
    assert json.loads(out.read_text()) == json.loads(json.dumps(report))
    assert report['smoke'] and report['rounds'] == 2 and report['threads'] == 1
    assert [r['title'] for r in report['rows']] == [r.title for r in seed_speedups.ROWS]
    assert set(report['checks']) == {'mobilenet_v3_large', 'mobilenet_v3_small', 'resnet50',
                                     'deeplabv3_mobilenet_v3_large',
                                     'lraspp_mobilenet_v3_large', 'fcn_resnet50'}
    for check in report['checks'].values():
        assert check['same'] and check['max_diff'] <= 1e-4 and check['max_abs'] > 1e-2
    for row in report['rows']:
        assert row['ours_ratio'] == pytest.approx(
            row['ours_ms'][row['slow']] / row['ours_ms'][row['fast']])
        assert row['tv_ratio'] == pytest.approx(
            row['tv_ms'][row['slow']] / row['tv_ms'][row['fast']])
        fast = row['fast']
        assert row['relative_speed'][fast] == pytest.approx(
            row['tv_ms'][fast] / row['ours_ms'][fast])
        assert row['speed_goal_met'][fast] == (row['relative_speed'][fast] >= 0.95)
    claims = {r['title']: r['claim'] for r in report['rows']}
    assert claims == {'MobileNetV3-Large vs ResNet-50': 6.0,
                      'MobileNetV3-Small vs ResNet-50': 15.0,
                      'DeepLabV3-MNv3 vs FCN-ResNet50': 8.5, 'LR-ASPP-MNv3 vs FCN-ResNet50': 15.0}
    printed = capsys.readouterr().out
    assert 'SMOKE' in printed and '| LR-ASPP-MNv3 vs FCN-ResNet50 | 64 |' in printed


def test_row_selection_and_errors(capsys):
    args = seed_speedups.parse_args(['--only', '2,4'])
    assert [r.fast for r in args.rows] == ['mobilenet_v3_small', 'lraspp_mobilenet_v3_large']
    with pytest.raises(SystemExit):
        seed_speedups.parse_args(['--only', '5'])
    assert '--only rows must be in 1..4' in capsys.readouterr().err
    with pytest.raises(SystemExit):
        seed_speedups.parse_args(['--only', 'mnv3'])
    assert 'row numbers' in capsys.readouterr().err


def test_alternating_timing_takes_medians():
    calls = []
    models = {'a': lambda x: calls.append('a'), 'b': lambda x: calls.append('b')}
    medians = seed_speedups.time_alternating(models, size=8, rounds=3, block_seconds=0.0)
    assert set(medians) == {'a', 'b'} and all(v >= 0 for v in medians.values())
    # two warm-up calls each, then rounds a b / b a / a b
    assert calls == ['a', 'a', 'b', 'b', 'a', 'b', 'b', 'a', 'a', 'b']
