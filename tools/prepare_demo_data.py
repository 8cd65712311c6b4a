"""Write scikit-learn's bundled handwritten digits as PNG files plus train/val list files.

A real (if tiny) image-classification dataset that needs no download: 1797 grey 8 x 8 digits,
scaled to 0-255, upscaled to ``--size`` and split 80/20 (stratified) into ``ImageList`` files.
Running it again rewrites the same files.

    python tools/prepare_demo_data.py --out data/digits [--size 32]
"""
from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Optional

from easycv_like.cli.parsers import out_folder, positive_int

if TYPE_CHECKING:
    import numpy as np


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', default='data/digits', type=out_folder, help='output folder')
    parser.add_argument('--size', type=positive_int, default=32,
                        help='side of the written images in pixels (8 keeps the originals)')
    return parser.parse_args(argv)


def digit_image(pixels: np.ndarray, size: int) -> np.ndarray:
    """One 8 x 8 digit with values 0-16 -> a ``size`` x ``size`` uint8 grey image."""
    import cv2
    import numpy as np
    img = np.clip(np.rint(pixels * (255.0 / 16.0)), 0, 255).astype(np.uint8)
    if size != img.shape[0]:
        img = cv2.resize(img, (size, size), interpolation=cv2.INTER_CUBIC)
    return img


def write_list(path: str, indices: np.ndarray, labels: np.ndarray) -> None:
    with open(path, 'w', encoding='utf-8') as f:
        f.writelines(f'images/{i:04d}.png {labels[i]}\n' for i in sorted(indices))


def main(argv: Optional[Sequence[str]] = None) -> None:
    args = parse_args(argv)
    import cv2  # after parsing: --help stays instant
    import numpy as np
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    digits = load_digits()
    images, labels = digits.images, digits.target
    os.makedirs(os.path.join(args.out, 'images'), exist_ok=True)
    for i, pixels in enumerate(images):
        path = os.path.join(args.out, 'images', f'{i:04d}.png')
        if not cv2.imwrite(path, digit_image(pixels, args.size)):
            raise SystemExit(f'could not write {path}')
    train, val = train_test_split(np.arange(len(labels)), test_size=0.2, stratify=labels,
                                  random_state=0)
    write_list(os.path.join(args.out, 'train.txt'), train, labels)
    write_list(os.path.join(args.out, 'val.txt'), val, labels)
    with open(os.path.join(args.out, 'classes.txt'), 'w', encoding='utf-8') as f:
        f.writelines(f'{name}\n' for name in digits.target_names)
    print(f'wrote {len(images)} {args.size}x{args.size} PNG images to '
          f'{os.path.join(args.out, "images")}')
    print(f'wrote {os.path.join(args.out, "train.txt")} ({len(train)} lines), '
          f'{os.path.join(args.out, "val.txt")} ({len(val)} lines), '
          f'{os.path.join(args.out, "classes.txt")} ({len(digits.target_names)} classes)')


if __name__ == '__main__':
    main()
