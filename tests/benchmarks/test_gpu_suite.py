"""benchmarks/gpu_suite.py --smoke: every row's code path runs, shrunk, on the CPU."""
import json
import os.path as osp
import sys

import pytest

from ..conftest import REPO

pytest.importorskip('nvidia.dali')
sys.path.insert(0, osp.join(REPO, 'benchmarks'))
import gpu_suite  # noqa: E402

EAGER_ROWS = [n for n in gpu_suite.ROW_NAMES if not n.endswith('_compiled')]


def _smoke(tmp_path, rows: list) -> dict:
    out = tmp_path / 'suite.json'
    report = gpu_suite.main(['--smoke', '--out', str(out), '--only', ','.join(rows)])
    assert json.loads(out.read_text()) == json.loads(json.dumps(report))
    table = (tmp_path / 'suite.md').read_text()
    assert [r['name'] for r in report['rows']] == rows
    for row in report['rows']:
        assert row['rate'] > 0 and row['met'] is None  # smoke: no goal is judged
        assert f"| {row['name']} |" in table
    assert report['smoke'] and report['all_goals_met'] is None
    return report


def test_smoke_runs_every_eager_row(tmp_path):
    report = _smoke(tmp_path, EAGER_ROWS)
    rows = {r['name']: r for r in report['rows']}
    assert rows['mocov2_synthetic_eager']['plain'] > 0  # the plain step of the ratio goal
    assert rows['mocov2_synthetic_eager']['goal'] == pytest.approx(
        0.95 * rows['mocov2_synthetic_eager']['plain'])
    assert rows['dino']['goal'] == pytest.approx(0.95 * 714)


@pytest.mark.slow  # torch.compile tracing: about a minute on two cores
def test_smoke_runs_the_compiled_rows(tmp_path):
    _smoke(tmp_path, [n for n in gpu_suite.ROW_NAMES if n.endswith('_compiled')])


def test_row_selection_and_gpu_requirement(capsys):
    assert gpu_suite.parse_args(['--smoke', '--only', 'mocov2_dali_*']).rows == [
        'mocov2_dali_eager', 'mocov2_dali_compiled']
    with pytest.raises(SystemExit):
        gpu_suite.parse_args(['--smoke', '--only', 'simclr'])
    assert 'matches no row' in capsys.readouterr().err
    if not gpu_suite.torch.cuda.is_available():
        with pytest.raises(SystemExit):
            gpu_suite.parse_args([])
        assert 'run with --smoke' in capsys.readouterr().err
