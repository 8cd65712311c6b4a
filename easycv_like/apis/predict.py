"""``tools/predict.py``: classify, detect or segment image files, folders of them or a list.

The checkpoint's model decides the task (``predictor_class``); with ``--config`` the config's
model does, and the checkpoint only gives weights (another project's file loads by name).
Detection and segmentation write an annotated copy of every image (boxes with class names, or a
colour overlay) to ``--out-dir`` when it is given, and no file otherwise (``--json -`` prints
only JSON). Folders are searched recursively for image files
(``ImageFolder``'s extensions). Every problem stops the command with its own message: a missing
file, a folder without images, a file that is not an image, a checkpoint without a classifier
(self-supervised runs: extract features), weights that do not fit ``--config``'s model.
"""
import argparse
import contextlib
import json
import logging
import os
import os.path as osp
import sys
from collections import Counter
from typing import Iterator, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.config import Config
from mmengine.logging import MMLogger

from ..cli.parsers import PREDICT_SCORE_THR, PREDICT_TOPK, predict_parser
from ..data.sources.image_folder import IMAGE_EXTENSIONS, describe_skipped, scan_images
from ..data.sources.image_list import ImageList
from ..predictors.classification_predictor import ClassificationPredictor
from ..predictors.detection_predictor import DetectionPredictor
from ..predictors.image_inputs import ImageInputError, read_image_file
from ..predictors.task_predictor import predictor_class
from ..predictors.visualize import draw_detections, overlay_seg_map
from .cli_errors import USER_ERRORS, check_device, check_output_file
from .config import load_config

Entry = Tuple[str, Optional[int]]  # (image path, true label or None)


class PredictError(ValueError):
    """Something the person running tools/predict.py has to fix; the message says what."""


def folder_images(folder: str) -> List[str]:
    """The image files under ``folder`` (recursive, sorted); an error when there are none.

    Files without an image extension are skipped, saying so on stderr."""
    found, others = scan_images(folder)
    if not found:
        raise PredictError(f'folder {folder!r} holds no images ({", ".join(IMAGE_EXTENSIONS)}); '
                           f'it has {len(others)} other file(s).')
    if others:
        print(f'{folder}: {describe_skipped(others)}.', file=sys.stderr)
    return found


def list_entries(list_file: str, limit: Optional[int] = None) -> List[Entry]:
    """The ``path [label]`` lines of an image list (paths relative to it; the first ``limit``,
    None: all), read as the ``ImageList`` source reads them (spaces inside a path are kept)."""
    if not osp.isfile(list_file):
        raise PredictError(f'no such list file {list_file!r}.')
    try:
        source = ImageList(list_file)
    except ValueError as err:
        raise PredictError(str(err)) from err
    count = len(source) if limit is None else min(limit, len(source))
    samples = [source[i] for i in range(count)]
    return [(s['img_path'], s['gt_label'] if s['gt_label'] >= 0 else None) for s in samples]


def collect_entries(images: Sequence[str], list_file: Optional[str] = None,
                    limit: Optional[int] = None) -> List[Entry]:
    """Image files as given, folders expanded, then the ``--list`` entries."""
    entries: List[Entry] = []
    for path in images:
        if osp.isdir(path):
            entries.extend((p, None) for p in folder_images(path))
        elif osp.exists(path):
            entries.append((path, None))
        else:
            raise PredictError(f'no such file or folder {path!r}.')
    if list_file:
        entries.extend(list_entries(list_file, limit))
    return entries


def top_classes(result: dict, classes: Optional[Sequence[str]], k: int) -> List[dict]:
    """The ``k`` highest-scoring classes of one prediction, best first."""
    scores = result['scores']
    order = sorted(range(len(scores)), key=lambda i: -scores[i])[:k]
    return [{'class': i, 'class_name': classes[i] if classes and i < len(classes) else None,
             'score': scores[i]} for i in order]


def _text_line(record: dict) -> str:
    preds = ' | '.join(f'class {p["class"]}'
                       + (f' ({p["class_name"]})' if p['class_name'] is not None else '')
                       + f' score {p["score"]:.3f}' for p in record['predictions'])
    truth = '' if record.get('true_class') is None else f'  (true {record["true_class"]})'
    return f'{record["path"]}: {preds}{truth}'


def _read_images(batch: Sequence[Entry]) -> list:
    try:
        return [read_image_file(path) for path, _ in batch]
    except ImageInputError as err:
        raise PredictError(str(err)) from err


def annotated_names(paths: Sequence[str]) -> List[str]:
    """File names of the annotated copies, one per path and all different: ``<stem>.png``;
    ``<name>.png`` (``a.jpg.png``) for inputs sharing a stem (``a.jpg``, ``a.png``); then
    ``-2``, ``-3``... for inputs sharing a name in different folders."""
    stems = Counter(osp.splitext(osp.basename(p))[0] for p in paths)
    names, taken = [], set()
    for path in paths:
        base = osp.basename(path)
        stem = osp.splitext(base)[0]
        first = f'{stem}.png' if stems[stem] == 1 else f'{base}.png'
        name, number = first, 1
        while name in taken:
            number += 1
            name = f'{osp.splitext(first)[0]}-{number}.png'
        taken.add(name)
        names.append(name)
    return names


def _dense_record(predictor, path: str, img, result: dict, out: Optional[str]) -> dict:
    """The JSON record of one image; the annotated image (boxes drawn or label map overlaid) is
    written to ``out`` unless it is None."""
    import cv2
    if isinstance(predictor, DetectionPredictor):
        drawn = draw_detections(img, result['bboxes'], result['labels'], result['scores'],
                                predictor.classes) if out else None
        names = result['label_names'] or [None] * len(result['labels'])
        record = dict(path=path, boxes=[
            dict(bbox=[float(v) for v in box], label=int(label), class_name=name,
                 score=float(score))
            for box, label, name, score in zip(result['bboxes'], result['labels'], names,
                                               result['scores'])])
        summary = f'{len(record["boxes"])} boxes ' + ', '.join(
            f'{b["class_name"] or b["label"]} {b["score"]:.2f}' for b in record['boxes'])
    else:
        drawn = overlay_seg_map(img, result['seg_map']) if out else None
        present = sorted(set(np.unique(result['seg_map']).tolist()) - {255})
        names = result['class_names']
        record = dict(path=path, classes_present=present,
                      class_names_present=[names[c] for c in present] if names else None)
        summary = 'classes present: ' + ', '.join(
            f'{c} ({names[c]})' if names else str(c) for c in present)
    record['summary'] = summary
    if out is not None:
        if not cv2.imwrite(out, cv2.cvtColor(drawn, cv2.COLOR_RGB2BGR)):
            raise PredictError(f"could not write the annotated image {out!r}.")
        record['annotated'] = out
        record['summary'] = f'{summary} -> {out}'
    return record


def note_unnamed_classes(predictor, args: argparse.Namespace) -> None:
    """Say once on stderr when neither the checkpoint nor ``--config`` names the classes: the
    predictions then carry class indices only (``class_name`` null in ``--json``)."""
    if predictor.classes:
        return
    where = (f'{args.checkpoint} names no classes' if args.config is None
             else f'neither {args.checkpoint} nor --config {args.config} names the classes')
    print(f'note: {where}, so predictions give class indices only '
          '("class_name": null in --json). To name them, give the data source of the config\'s '
          "inference dataset classes=[...] or a classes.txt (docs/own_data.md).",
          file=sys.stderr)


def _predict_dense(kind, args: argparse.Namespace, entries: List[Entry],
                   config: Optional[Config]) -> Iterator[dict]:
    predictor = kind(args.checkpoint, args.device, args.trust_checkpoint, config,
                     args.channels_last)
    note_unnamed_classes(predictor, args)
    options = {}
    if kind is DetectionPredictor:
        options['score_thr'] = PREDICT_SCORE_THR if args.score_thr is None else args.score_thr
    outs = [None] * len(entries)
    if args.out_dir is not None:
        if osp.exists(args.out_dir) and not osp.isdir(args.out_dir):
            raise PredictError(f'--out-dir {args.out_dir!r} is a file, not a folder.')
        os.makedirs(args.out_dir, exist_ok=True)
        outs = [osp.join(args.out_dir, name) for name in annotated_names([p for p, _ in entries])]
    for start in range(0, len(entries), args.batch_size):
        batch = entries[start:start + args.batch_size]
        images = _read_images(batch)
        for (path, _), img, result, out in zip(batch, images, predictor.predict(images, **options),
                                               outs[start:start + args.batch_size]):
            yield _dense_record(predictor, path, img, result, out)


def _predict_classes(args: argparse.Namespace, entries: List[Entry],
                     config: Optional[Config]) -> Iterator[dict]:
    predictor = ClassificationPredictor(args.checkpoint, args.device, args.trust_checkpoint,
                                        config, args.channels_last)
    note_unnamed_classes(predictor, args)
    topk = args.topk or PREDICT_TOPK
    num_classes = getattr(getattr(predictor.model, 'head', None), 'num_classes', None)
    if num_classes is not None and topk > num_classes:
        raise PredictError(f'--topk {topk} is more than the {num_classes} classes of '
                           f'{args.checkpoint}.')
    for start in range(0, len(entries), args.batch_size):
        batch = entries[start:start + args.batch_size]
        arrays = _read_images(batch)
        for (path, truth), result in zip(batch, predictor.predict(arrays, args.batch_size)):
            record = dict(path=path, predictions=top_classes(result, predictor.classes, topk))
            if truth is not None:
                record['true_class'] = truth
            record['summary'] = _text_line(record)
            yield record


def _user_config(path: Optional[str]) -> Optional[Config]:
    """``--config``: the config whose model the weights fit (None: the checkpoint's own)."""
    if path is None:
        return None
    if not osp.exists(path):
        raise PredictError(f'no such config file {path!r}.')
    return load_config(path)


def check_task_flags(kind: type, args: argparse.Namespace) -> None:
    """Refuse a flag that does nothing for this checkpoint's task, rather than ignore it."""
    task = {ClassificationPredictor: 'classification', DetectionPredictor: 'detection'}.get(
        kind, 'segmentation')
    unused = {'classification': [('--out-dir', args.out_dir), ('--score-thr', args.score_thr)],
              'detection': [('--topk', args.topk)],
              'segmentation': [('--topk', args.topk), ('--score-thr', args.score_thr)]}[task]
    for flag, value in unused:
        if value is not None:
            raise PredictError(f'{flag} does nothing for {args.checkpoint}, a {task} model '
                               '(tools/predict.py --help says which flags fit which task).')


@contextlib.contextmanager
def _stdout_only_for_json(json_to_stdout: bool) -> Iterator[None]:
    """With ``--json -``, send what would share stdout with the JSON to stderr: mmengine's
    logger (its stream handler writes to stdout; the weight-load report) and stray prints, so
    that ``--json - | jq`` reads valid JSON."""
    if not json_to_stdout:
        yield
        return
    handlers = [h for h in MMLogger.get_current_instance().handlers
                if type(h) is logging.StreamHandler and h.stream is sys.stdout]
    for handler in handlers:
        handler.setStream(sys.stderr)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        for handler in handlers:
            handler.setStream(sys.stdout)


def run(args: argparse.Namespace) -> List[dict]:
    """Predict as ``args`` (parsed by ``predict_parser``) say; returns one record per image."""
    check_device(args.device)
    if args.json not in (None, '-'):
        check_output_file(args.json, '--json')
    if args.limit is not None and not args.list:
        raise PredictError('--limit counts the lines of --list; give --list or leave it out.')
    entries = collect_entries(args.images, args.list, args.limit)
    if not entries:
        raise PredictError('give image files, folders or --list.')
    records = []
    with _stdout_only_for_json(args.json == '-'):
        config = _user_config(args.config)
        kind = predictor_class(args.checkpoint, args.trust_checkpoint, config)
        check_task_flags(kind, args)
        predictions = (_predict_classes(args, entries, config) if kind is ClassificationPredictor
                       else _predict_dense(kind, args, entries, config))
        for record in predictions:  # each line as soon as its batch is done
            summary = record.pop('summary')
            if args.json != '-':
                print(summary if 'predictions' in record else f'{record["path"]}: {summary}',
                      flush=True)
            records.append(record)
    if args.json == '-':
        print(json.dumps(records, indent=2))
    elif args.json:
        with open(args.json, 'w', encoding='utf-8') as f:
            json.dump(records, f, indent=2)
        print(f'wrote {len(records)} predictions to {args.json}')
    return records


def run_reporting_errors(parser: argparse.ArgumentParser, args: argparse.Namespace
                         ) -> List[dict]:
    """``run(args)``; a ``PredictError`` or another error the user has to fix (``USER_ERRORS``:
    checkpoint, config, weights, classes, a model of another task) exits with status 2, printed
    as ``parser``'s error."""
    try:
        return run(args)
    except (PredictError,) + USER_ERRORS as err:
        parser.exit(2, f'{parser.prog}: error: {err}\n')


def main(argv: Optional[Sequence[str]] = None) -> List[dict]:
    """``tools/predict.py`` with ``argv``."""
    parser = predict_parser()
    return run_reporting_errors(parser, parser.parse_args(argv))
