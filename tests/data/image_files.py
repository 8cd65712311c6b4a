"""Helpers of the data tests: tiny random images written with cv2."""
import os

import cv2
import numpy as np


def random_image(seed: int, h: int = 20, w: int = 24) -> np.ndarray:
    """A reproducible random H x W x 3 uint8 RGB image."""
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


def write_image(path: str, img: np.ndarray) -> str:
    """Write an RGB (or grey) uint8 image with cv2, creating folders; return the path."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    bgr = cv2.cvtColor(img, cv2.COLOR_RGB2BGR) if img.ndim == 3 else img
    assert cv2.imwrite(path, bgr)
    return path


def write_bad_images(folder: str) -> dict[str, str]:
    """Three unusable files: a JPEG cut in half, a 0-byte file, a text file named .png."""
    os.makedirs(folder, exist_ok=True)
    ok, jpeg = cv2.imencode('.jpg', random_image(99, 64, 64))
    assert ok
    paths = {name: os.path.join(folder, name)
             for name in ('truncated.jpg', 'empty.png', 'text.png')}
    with open(paths['truncated.jpg'], 'wb') as f:
        f.write(jpeg.tobytes()[:len(jpeg) // 2])
    open(paths['empty.png'], 'wb').close()
    with open(paths['text.png'], 'w') as f:
        f.write('this is not an image\n')
    return paths
