"""Synthetic but photo-like JPEGs for the data benchmarks, made locally in seconds.

Each 500 x 375 image mixes smooth colour gradients, low-frequency texture, a few filled shapes
and fine sensor-like noise, so a JPEG of it is about 50 KB at quality 90 (close to an average
ImageNet photo), and decoding, cropping and blurring cost what they cost on real photos.
"""
import os

import cv2
import numpy as np


def photo_like_image(rng: np.random.Generator, height: int = 375,
                     width: int = 500) -> np.ndarray:
    """One H x W x 3 uint8 BGR image."""
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    colours = rng.uniform(30, 225, (3, 3)).astype(np.float32)
    angle = rng.uniform(0, np.pi)
    ramp = (np.cos(angle) * xx / width + np.sin(angle) * yy / height + 1) / 2  # 0..1
    img = colours[0] * (1 - ramp[..., None]) + colours[1] * ramp[..., None]
    texture = cv2.resize(rng.normal(0, 30, (12, 16, 3)).astype(np.float32), (width, height),
                         interpolation=cv2.INTER_CUBIC)
    img += texture
    for _ in range(int(rng.integers(3, 8))):
        centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        axes = (int(rng.integers(15, 120)), int(rng.integers(15, 120)))
        colour = [float(c) for c in rng.uniform(0, 255, 3)]
        cv2.ellipse(img, centre, axes, float(rng.uniform(0, 180)), 0, 360, colour, -1)
    img = cv2.GaussianBlur(img, (0, 0), 1.2)
    img += rng.normal(0, 7, img.shape).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8)


def write_photo_like_jpegs(folder: str, count: int, seed: int = 0, num_classes: int = 10,
                           quality: int = 90) -> str:
    """Write ``count`` JPEGs under ``folder/images`` and ``folder/list.txt``; return the list."""
    rng = np.random.default_rng(seed)
    os.makedirs(os.path.join(folder, 'images'), exist_ok=True)
    lines = []
    for i in range(count):
        name = f'images/{i:06d}.jpg'
        cv2.imwrite(os.path.join(folder, name), photo_like_image(rng),
                    [cv2.IMWRITE_JPEG_QUALITY, quality])
        lines.append(f'{name} {i % num_classes}\n')
    list_file = os.path.join(folder, 'list.txt')
    with open(list_file, 'w') as f:
        f.writelines(lines)
    return list_file
