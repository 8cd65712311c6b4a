"""Which checkpoint a run resumes from: ``resume_from`` as given, or the newest one that loads."""
import glob
import logging
import os.path as osp
import re
from typing import List, Optional, Tuple

from mmengine.config import Config
from mmengine.logging import print_log

from ..utils.checkpoint import CheckpointLoadError, load_checkpoint_file

_NUMBERED = re.compile(r'(epoch|iter)_(\d+)\.pth')


def checkpoint_candidates(work_dir: str) -> List[str]:
    """Checkpoints in ``work_dir``, newest first: the ``last_checkpoint`` pointer's target, then
    ``latest.pth``, then ``epoch_N.pth`` / ``iter_N.pth`` by decreasing N."""
    found = []
    pointer = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(pointer):
        with open(pointer) as f:
            target = f.read().strip()
        if target:
            found.append(target)
    found.append(osp.join(work_dir, 'latest.pth'))
    numbered = [p for p in glob.glob(osp.join(work_dir, '*.pth'))
                if _NUMBERED.fullmatch(osp.basename(p))]
    numbered.sort(key=lambda p: (osp.getmtime(p),
                                 int(_NUMBERED.fullmatch(osp.basename(p)).group(2))),
                  reverse=True)
    found += numbered
    unique = []
    for path in found:
        if osp.isfile(path) and osp.realpath(path) not in map(osp.realpath, unique):
            unique.append(path)
    return unique


def newest_loadable_checkpoint(work_dir: str) -> Optional[str]:
    """The newest checkpoint of ``work_dir`` that loads; warns about each one that does not.

    Returns None for a work dir without checkpoints; raises ``CheckpointLoadError`` naming them
    all when there are checkpoints and none loads (never a silent start from scratch).
    """
    candidates = checkpoint_candidates(work_dir)
    failures = []
    for path in candidates:
        try:
            load_checkpoint_file(path, map_location='cpu')
        except CheckpointLoadError as err:
            print_log(f'Skipping checkpoint {path}: {err}', logger='current',
                      level=logging.WARNING)
            failures.append(path)
            continue
        if failures:
            print_log(f'Falling back to checkpoint {path}.', logger='current',
                      level=logging.WARNING)
        return path
    if failures:
        raise CheckpointLoadError(
            f'No checkpoint in {work_dir} could be loaded: {", ".join(failures)}. Remove them '
            'to start from scratch, or resume from a good file with --resume PATH.')
    return None


def find_resume_checkpoint(cfg: Config) -> Tuple[bool, Optional[str]]:
    """Map ``resume_from`` / ``load_from`` to mmengine Runner's ``(resume, load_from)``.

    ``resume_from='auto'`` resumes from the newest loadable checkpoint of the work dir, or
    starts fresh (loading ``load_from`` if set) when the work dir has none.
    """
    resume_from = cfg.get('resume_from')
    if resume_from == 'auto':
        resume_from = newest_loadable_checkpoint(cfg.work_dir)
        if resume_from is None:
            print_log(f'No checkpoint in {cfg.work_dir}: starting from scratch.',
                      logger='current')
    if resume_from:
        return True, resume_from
    return False, cfg.get('load_from')
