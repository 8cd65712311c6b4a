"""What a finished run leaves behind: its last checkpoint and its last evaluation metrics."""
import glob
import json
import os.path as osp
from typing import Dict, Iterable, Optional


def last_checkpoint(work_dir: str) -> Optional[str]:
    """The path the ``last_checkpoint`` pointer names, or None."""
    pointer = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(pointer):
        return None
    with open(pointer) as f:
        return f.read().strip() or None


def last_metrics(work_dir: str, prefixes: Iterable[str]) -> Dict[str, float]:
    """Metrics of the last evaluation logged in the newest run's JSON log (``scalars.json``).

    Args:
        work_dir: the run's work dir.
        prefixes: the ``eval_pipelines`` names; a metric key starts with ``<name>/``.
    """
    logs = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
    starts = tuple(f'{p}/' for p in prefixes)
    for log in reversed(logs):
        with open(log) as f:
            records = [json.loads(line) for line in f if line.strip()]
        for record in reversed(records):
            metrics = {k: v for k, v in record.items() if k.startswith(starts)}
            if metrics:
                return metrics
    return {}
