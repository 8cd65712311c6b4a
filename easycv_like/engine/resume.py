"""Which checkpoint a run resumes from: ``resume_from`` as given, or the newest one that loads."""
import glob
import logging
import os.path as osp
import re
from typing import Any, List, Optional, Tuple

from mmengine.config import Config
from mmengine.logging import print_log
from mmengine.runner import CheckpointLoader

from ..utils.checkpoint import CheckpointLoadError, load_checkpoint_file
from .resume_config_check import check_resume_config

_NUMBERED = re.compile(r'(epoch|iter)_(\d+)\.pth')


def pointer_target(work_dir: str) -> Optional[str]:
    """The checkpoint ``<work_dir>/last_checkpoint`` names, resolved against ``work_dir`` (it is
    stored relative, so a copied work dir resumes from its own files). An absolute target outside
    ``work_dir`` (an older pointer of a copied dir) is ignored with a warning."""
    pointer = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(pointer):
        return None
    with open(pointer) as f:
        target = f.read().strip()
    if not target:
        return None
    if not osp.isabs(target):
        return osp.join(work_dir, target)
    if osp.commonpath([osp.realpath(target), osp.realpath(work_dir)]) != osp.realpath(work_dir):
        print_log(f'Ignoring {pointer}: it names {target}, outside this work dir (a copied work '
                  'dir?); using the checkpoints of this work dir instead.', logger='current',
                  level=logging.WARNING)
        return None
    return target


def checkpoint_candidates(work_dir: str) -> List[str]:
    """Checkpoints in ``work_dir``, newest first: the ``last_checkpoint`` pointer's target, then
    ``latest.pth``, then ``epoch_N.pth`` / ``iter_N.pth`` by decreasing N."""
    found = []
    target = pointer_target(work_dir)
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


def newest_loadable(work_dir: str) -> Tuple[Optional[str], Optional[Any]]:
    """The newest checkpoint of ``work_dir`` that loads and its content; warns about each one that
    does not.

    Returns (None, None) for a work dir without checkpoints; raises ``CheckpointLoadError``
    naming them all when there are checkpoints and none loads (never a silent start from
    scratch).
    """
    candidates = checkpoint_candidates(work_dir)
    failures = []
    for path in candidates:
        try:
            checkpoint = load_checkpoint_file(path, map_location='cpu')
        except CheckpointLoadError as err:
            print_log(f'Skipping checkpoint {path}: {err}', logger='current',
                      level=logging.WARNING)
            failures.append(path)
            continue
        if failures:
            print_log(f'Falling back to checkpoint {path}.', logger='current',
                      level=logging.WARNING)
        return path, checkpoint
    if failures:
        raise CheckpointLoadError(
            f'No checkpoint in {work_dir} could be loaded: {", ".join(failures)}. Remove them '
            'to start from scratch, or resume from a good file with --resume PATH.')
    return None, None


def check_resumable(checkpoint: Any, path: str) -> None:
    """Raise ``CheckpointLoadError`` unless ``checkpoint`` holds a training state to continue
    (``meta`` with the epoch and iteration, as every training run writes): a file of weights
    alone (torchvision's, timm's, a bare state dict) cannot be resumed, only loaded."""
    meta = checkpoint.get('meta') if isinstance(checkpoint, dict) else None
    lacking = [k for k in ('epoch', 'iter') if not isinstance(meta, dict) or k not in meta]
    if lacking:
        keys = list(checkpoint) if isinstance(checkpoint, dict) else []
        shown = ', '.join(map(repr, keys[:4])) + (f' ... ({len(keys)} in all)'
                                                  if len(keys) > 4 else '')
        raise CheckpointLoadError(
            f'Cannot resume from {path}: it holds no training state (meta '
            f'{" and ".join(lacking)} missing; its top-level keys: {shown or "none"}), so it '
            f'is weights only. To start a new run from these weights, use --load_from {path} '
            '(load_from= in Python).')


def find_resume_checkpoint(cfg: Config) -> Tuple[bool, Optional[str], Optional[int]]:
    """Map ``resume_from`` / ``load_from`` to mmengine Runner's ``(resume, load_from)``, plus the
    seed the resumed run used (``meta['seed']``; None when not resuming).

    ``resume_from='auto'`` resumes from the newest loadable checkpoint of the work dir, or
    starts fresh (loading ``load_from`` if set) when the work dir has none. The checkpoint's
    config must match the current one in the keys of ``resume_config_check``.
    """
    resume_from = cfg.get('resume_from')
    checkpoint = None
    if resume_from == 'auto':
        resume_from, checkpoint = newest_loadable(cfg.work_dir)
        if resume_from is None:
            print_log(f'No checkpoint in {cfg.work_dir}: starting from scratch.',
                      logger='current')
    if resume_from:
        if checkpoint is None:  # any scheme: every CheckpointLoader route is weights-only
            checkpoint = CheckpointLoader.load_checkpoint(resume_from, map_location='cpu')
        check_resumable(checkpoint, resume_from)
        check_resume_config(cfg.to_dict(), checkpoint, resume_from)
        return True, resume_from, checkpoint['meta'].get('seed')
    return False, cfg.get('load_from'), None
