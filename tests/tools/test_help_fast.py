"""Every tools/*.py answers --help without importing torch (or any other heavy module)."""
import glob
import os
import os.path as osp
import subprocess
import sys
import time

import pytest

from ..conftest import REPO

TOOLS = sorted(osp.basename(p) for p in glob.glob(osp.join(REPO, 'tools', '*.py')))
HEAVY = ('torch', 'torchvision', 'mmengine', 'mmcv', 'cv2', 'numpy', 'sklearn', 'nvidia')


def _imported_modules(importtime_log: str) -> set:
    """Module names from ``python -X importtime`` output (``import time: self | cum | name``)."""
    names = set()
    for line in importtime_log.splitlines():
        if line.startswith('import time:') and line.count('|') == 2:
            names.add(line.rsplit('|', 1)[1].strip())
    return names


def test_every_tool_is_covered():
    assert {'train.py', 'eval.py', 'predict.py', 'extract_features.py', 'knn_eval.py',
            'convert_to_tfrecord.py', 'prepare_demo_data.py'} <= set(TOOLS)


@pytest.mark.parametrize('tool', TOOLS)
def test_help_imports_no_heavy_module(tool):
    env = dict(os.environ, PYTHONPATH=REPO)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, '-X', 'importtime', osp.join(REPO, 'tools', tool),
                           '--help'], capture_output=True, text=True, timeout=120, env=env)
    elapsed = time.perf_counter() - start
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.startswith('usage:')
    modules = _imported_modules(proc.stderr)
    assert 'argparse' in modules  # the log was parsed
    heavy = sorted(m for m in modules if m.split('.')[0] in HEAVY)
    assert not heavy, f'{tool} --help imported {heavy[:5]}'
    assert elapsed < 30  # generous: a loaded CI machine; the import check above is the real one


def test_convert_tool_offers_the_writers_source_types():
    sys.path.insert(0, osp.join(REPO, 'tools'))
    import convert_to_tfrecord

    from easycv_like.data.tfrecord.writer import SOURCE_TYPES
    assert convert_to_tfrecord.SOURCE_TYPES == SOURCE_TYPES
