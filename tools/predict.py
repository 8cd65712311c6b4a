"""Classify, detect or segment images with a checkpoint alone.

    python tools/predict.py CKPT img1.png img2.jpg
    python tools/predict.py CKPT --list data/digits/val.txt --limit 8   (also prints the truth)
    python tools/predict.py DET_OR_SEG_CKPT img1.png --out-dir vis   (writes annotated images)
"""
import argparse
import os
import os.path as osp

import cv2

from easycv_like.predictors import (ClassificationPredictor, DetectionPredictor,
                                    SegmentationPredictor, draw_detections, overlay_seg_map,
                                    predictor_class)


def read_rgb(path: str):
    img = cv2.imread(path, cv2.IMREAD_COLOR)
    if img is None:
        raise SystemExit(f'Cannot read image {path}')
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


def list_entries(list_file: str, limit: int):
    root = osp.dirname(list_file)
    entries = []
    with open(list_file) as f:
        for line in f:
            parts = line.split()
            if parts:
                label = int(parts[-1]) if len(parts) > 1 else None
                entries.append((osp.join(root, ' '.join(parts[:-1] if label is not None
                                                         else parts)), label))
    return entries[:limit]


def annotate(predictor, paths, out_dir: str, score_thr: float) -> None:
    """Detection / segmentation: print a summary per image and write ``<out_dir>/<stem>.png``
    with the boxes drawn or the label map overlaid."""
    os.makedirs(out_dir, exist_ok=True)
    images = [read_rgb(p) for p in paths]
    if isinstance(predictor, DetectionPredictor):
        results = predictor.predict(images, score_thr=score_thr)
    else:
        results = predictor.predict(images)
    for path, img, res in zip(paths, images, results):
        if isinstance(predictor, DetectionPredictor):
            drawn = draw_detections(img, res['bboxes'], res['labels'], res['scores'],
                                    predictor.classes)
            summary = f'{len(res["bboxes"])} boxes ' + ', '.join(
                f'{name or label} {score:.2f}' for name, label, score in
                zip(res['label_names'] or [None] * len(res['labels']), res['labels'],
                    res['scores']))
        else:
            drawn = overlay_seg_map(img, res['seg_map'])
            summary = 'classes present: ' + ', '.join(str(c) for c in sorted(
                set(res['seg_map'].ravel().tolist()) - {255}))
        out = osp.join(out_dir, osp.splitext(osp.basename(path))[0] + '.png')
        cv2.imwrite(out, cv2.cvtColor(drawn, cv2.COLOR_RGB2BGR))
        print(f'{path}: {summary} -> {out}')


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('checkpoint')
    parser.add_argument('images', nargs='*')
    parser.add_argument('--list', help='image list file (`path label` lines)')
    parser.add_argument('--limit', type=int, default=8)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--trust-checkpoint', action='store_true')
    parser.add_argument('--out-dir', default='predictions',
                        help='detection / segmentation: folder of the annotated images')
    parser.add_argument('--score-thr', type=float, default=0.3,
                        help='detection: lowest score drawn and printed')
    args = parser.parse_args(argv)
    entries = [(p, None) for p in args.images]
    if args.list:
        entries += list_entries(args.list, args.limit)
    if not entries:
        parser.error('give image paths or --list')
    kind = predictor_class(args.checkpoint, args.trust_checkpoint)
    if kind in (DetectionPredictor, SegmentationPredictor):
        annotate(kind(args.checkpoint, args.device, args.trust_checkpoint),
                 [p for p, _ in entries], args.out_dir, args.score_thr)
        return
    predictor = ClassificationPredictor(args.checkpoint, args.device, args.trust_checkpoint)
    results = predictor.predict([read_rgb(p) for p, _ in entries])
    for (path, truth), res in zip(entries, results):
        extra = '' if truth is None else f'  (true {truth})'
        print(f'{path}: class {res["class"]} ({res["class_name"]}) '
              f'score {res["score"]:.3f}{extra}')


if __name__ == '__main__':
    main()
