"""Classify images with a checkpoint alone.

    python tools/predict.py CKPT img1.png img2.jpg
    python tools/predict.py CKPT --list data/digits/val.txt --limit 8   (also prints the truth)
"""
import argparse
import os.path as osp

import cv2

from easycv_like.predictors import ClassificationPredictor


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('checkpoint')
    parser.add_argument('images', nargs='*')
    parser.add_argument('--list', help='image list file (`path label` lines)')
    parser.add_argument('--limit', type=int, default=8)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--trust-checkpoint', action='store_true')
    args = parser.parse_args()
    entries = [(p, None) for p in args.images]
    if args.list:
        entries += list_entries(args.list, args.limit)
    if not entries:
        parser.error('give image paths or --list')
    predictor = ClassificationPredictor(args.checkpoint, args.device, args.trust_checkpoint)
    results = predictor.predict([read_rgb(p) for p, _ in entries])
    for (path, truth), res in zip(entries, results):
        extra = '' if truth is None else f'  (true {truth})'
        print(f'{path}: class {res["class"]} ({res["class_name"]}) '
              f'score {res["score"]:.3f}{extra}')


if __name__ == '__main__':
    main()
