"""Render a small detection + segmentation data set of coloured shapes on textured backgrounds.

Circles, squares and triangles of several sizes, partly overlapping, on images of varying size:
``{split}/images/<stem>.jpg``, a COCO-format ``{split}/annotations.json`` (boxes, areas, RLE
masks of the visible pixels; category ids 1..3) and ``{split}/masks/<stem>.png`` index masks
(0 background, 1..3 the shapes, 255 = a thin ignore band along every shape edge). Every tenth
image holds no shape. The files are a function of ``--seed`` only; no download, seconds to run.

    python tools/make_shapes_dataset.py --out data/shapes [--seed 0]
"""
from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Optional

from easycv_like.cli.parsers import non_negative_int, out_folder, positive_int

if TYPE_CHECKING:  # heavy modules are imported where used, so --help stays instant
    import numpy as np

CLASSES = ('circle', 'square', 'triangle')
SPLITS = {'train': 0, 'val': 1}
IGNORE = 255


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', default='data/shapes', type=out_folder, help='output folder')
    parser.add_argument('--seed', type=int, default=0, help='the data set is a function of it')
    parser.add_argument('--num-train', type=positive_int, default=240, help='training images')
    parser.add_argument('--num-val', type=non_negative_int, default=60, help='validation images')
    parser.add_argument('--min-side', type=int, default=96, help='smallest image side')
    parser.add_argument('--max-side', type=int, default=160, help='largest image side')
    return parser.parse_args(argv)


def background(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    """Muted texture: blurred coarse noise plus faint stripes at a random angle."""
    import cv2
    import numpy as np
    coarse = rng.uniform(60, 170, (height // 16 + 2, width // 16 + 2, 3)).astype(np.float32)
    img = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)
    ys, xs = np.mgrid[0:height, 0:width]
    angle, period = rng.uniform(0, np.pi), rng.uniform(6, 20)
    stripes = 12 * np.sin((xs * np.cos(angle) + ys * np.sin(angle)) * 2 * np.pi / period)
    img += stripes[..., None] + rng.normal(0, 6, img.shape)
    grey = img.mean(2, keepdims=True)
    return np.clip(grey + 0.3 * (img - grey), 0, 255).astype(np.uint8)


def shape_mask(rng: np.random.Generator, kind: int, height: int, width: int) -> np.ndarray:
    """A filled shape of class ``kind`` at a random size and place, fully inside the image."""
    import cv2
    import numpy as np
    mask = np.zeros((height, width), np.uint8)
    size = int(rng.integers(12, max(13, min(height, width) // 2)))
    cx = int(rng.integers(size // 2 + 1, width - size // 2 - 1))
    cy = int(rng.integers(size // 2 + 1, height - size // 2 - 1))
    if CLASSES[kind] == 'circle':
        cv2.circle(mask, (cx, cy), size // 2, 1, -1)
    elif CLASSES[kind] == 'square':
        cv2.rectangle(mask, (cx - size // 2, cy - size // 2), (cx + size // 2, cy + size // 2),
                      1, -1)
    else:
        turn = rng.uniform(0, 2 * np.pi)
        angles = turn + np.array([0, 2 * np.pi / 3, 4 * np.pi / 3])
        points = np.stack([cx + size / 2 * np.cos(angles), cy + size / 2 * np.sin(angles)], 1)
        cv2.fillPoly(mask, [np.round(points).astype(np.int32)], 1)
    return mask.astype(bool)


def render(rng: np.random.Generator, height: int, width: int, num_shapes: int):
    """An image, its instance map (-1 = background) and the class of every instance."""
    import numpy as np
    img = background(rng, height, width)
    instances = np.full((height, width), -1, np.int32)
    kinds = []
    for _ in range(num_shapes):
        for _ in range(20):  # a new shape may hide at most half of any earlier one
            kind = int(rng.integers(len(CLASSES)))
            mask = shape_mask(rng, kind, height, width)
            if all((mask & (instances == k)).sum() <= 0.5 * (instances == k).sum()
                   for k in range(len(kinds))):
                break
        else:
            continue
        colour = rng.permutation([int(rng.integers(200, 256)), int(rng.integers(0, 60)),
                                  int(rng.integers(0, 256))])
        img[mask] = colour
        instances[mask] = len(kinds)
        kinds.append(kind)
    return img, instances, kinds


def semantic_mask(instances: np.ndarray, kinds: list) -> np.ndarray:
    """Class index per pixel (0 background, 1.. shapes) with 255 on the edges of shapes."""
    import cv2
    import numpy as np
    lut = np.array([0] + [k + 1 for k in kinds], np.uint8)
    labels = lut[instances + 1]
    instance_ids = (instances + 1).astype(np.uint16)
    kernel = np.ones((3, 3), np.uint8)
    edges = cv2.dilate(instance_ids, kernel) != cv2.erode(instance_ids, kernel)
    labels[edges] = IGNORE
    return labels


def annotations(instances: np.ndarray, kinds: list, image_id: int, first_id: int) -> list:
    """COCO annotations of the visible part of every instance."""
    import numpy as np
    from pycocotools import mask as mask_utils
    anns = []
    for k, kind in enumerate(kinds):
        visible = instances == k
        ys, xs = np.nonzero(visible)
        rle = mask_utils.encode(np.asfortranarray(visible.astype(np.uint8)))
        rle['counts'] = rle['counts'].decode('ascii')
        anns.append({'id': first_id + k, 'image_id': image_id, 'category_id': kind + 1,
                     'bbox': [int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1),
                              int(ys.max() - ys.min() + 1)],
                     'area': int(visible.sum()), 'iscrowd': 0, 'segmentation': rle})
    return anns


def write_split(out: str, split: str, count: int, args: argparse.Namespace) -> None:
    import cv2
    import numpy as np
    for sub in ('images', 'masks'):
        os.makedirs(os.path.join(out, split, sub), exist_ok=True)
    images, anns = [], []
    for i in range(count):
        rng = np.random.default_rng([args.seed, SPLITS[split], i])
        height, width = (int(v) for v in rng.integers(args.min_side, args.max_side + 1, 2))
        num_shapes = 0 if i % 10 == 9 else int(rng.integers(1, 5))
        img, instances, kinds = render(rng, height, width, num_shapes)
        stem = f'{split}_{i:05d}'
        image_id = i + 1
        cv2.imwrite(os.path.join(out, split, 'images', f'{stem}.jpg'),
                    cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 95])
        cv2.imwrite(os.path.join(out, split, 'masks', f'{stem}.png'),
                    semantic_mask(instances, kinds))
        images.append({'id': image_id, 'file_name': f'{stem}.jpg', 'height': height,
                       'width': width})
        anns += annotations(instances, kinds, image_id, len(anns) + 1)
    coco = {'images': images, 'annotations': anns,
            'categories': [{'id': k + 1, 'name': name, 'supercategory': 'shape'}
                           for k, name in enumerate(CLASSES)]}
    with open(os.path.join(out, split, 'annotations.json'), 'w', encoding='utf-8') as f:
        json.dump(coco, f)


def main(argv: Optional[Sequence[str]] = None) -> None:
    args = parse_args(argv)
    if not 48 <= args.min_side <= args.max_side:
        raise SystemExit(f'Need 48 <= --min-side <= --max-side, got {args.min_side}, '
                         f'{args.max_side}.')
    for split, count in (('train', args.num_train), ('val', args.num_val)):
        write_split(args.out, split, count, args)
    with open(os.path.join(args.out, 'seg_classes.txt'), 'w', encoding='utf-8') as f:
        f.write('\n'.join(('background',) + CLASSES) + '\n')
    print(f'Wrote {args.num_train} train and {args.num_val} val images to {args.out} '
          f'(train/annotations.json, train/masks/, seg_classes.txt).')


if __name__ == '__main__':
    main()
