"""What a finished run leaves behind: its last checkpoint and its last evaluation metrics."""
import glob
import json
import os.path as osp
from typing import Dict, Iterable, List, Optional

from ..engine.resume import pointer_target


def last_checkpoint(work_dir: str) -> Optional[str]:
    """The absolute path the ``last_checkpoint`` pointer names (stored relative), or None."""
    target = pointer_target(work_dir)
    return osp.abspath(target) if target else None


def eval_names(cfg) -> List[str]:
    """The metric prefixes of a config: its ``eval_pipelines`` names (``val<i>`` when unnamed)."""
    return [p.get('name', f'val{i}') for i, p in enumerate(cfg.get('eval_pipelines') or [])]


def evaluation_records(work_dir: str, prefixes: Iterable[str]) -> List[dict]:
    """Every evaluation of the newest run that logged one, oldest first: ``{'step': ..., metrics}``.

    Args:
        work_dir: the run's work dir.
        prefixes: the ``eval_pipelines`` names; a metric key starts with ``<name>/``.
    """
    logs = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
    starts = tuple(f'{p}/' for p in prefixes)
    for log in reversed(logs):
        with open(log) as f:
            records = [json.loads(line) for line in f if line.strip()]
        evaluations = []
        for record in records:
            metrics = {k: v for k, v in record.items() if k.startswith(starts)}
            if metrics:
                evaluations.append(dict(step=record.get('step'), **metrics))
        if evaluations:
            return evaluations
    return []


def last_metrics(work_dir: str, prefixes: Iterable[str]) -> Dict[str, float]:
    """Metrics of the last evaluation logged in the newest run's JSON log (``scalars.json``)."""
    records = evaluation_records(work_dir, prefixes)
    return {k: v for k, v in records[-1].items() if k != 'step'} if records else {}


def evaluation_summary(records: List[dict], unit: str = 'step') -> List[str]:
    """One line per metric: its first and last logged values (e.g. random init -> trained).

    Args:
        records: ``evaluation_records(...)``.
        unit: what a record's step counts (``'epoch'`` for epoch-based runs).
    """
    if not records:
        return []

    def at(record: dict) -> str:
        return 'before training' if record['step'] == 0 else f'at {unit} {record["step"]}'

    first, last = records[0], records[-1]
    lines = []
    for key in (k for k in last if k != 'step'):
        if len(records) > 1 and key in first:
            lines.append(f'{key}: {first[key]:.2f} {at(first)} -> {last[key]:.2f} {at(last)}')
        else:
            lines.append(f'{key}: {last[key]:.2f} {at(last)}')
    return lines
