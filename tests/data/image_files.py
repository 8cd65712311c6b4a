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


def write_odd_images(folder: str, img: np.ndarray) -> dict[str, np.ndarray]:
    """``img`` (H x W x 3 RGB) saved in the forms users bring, mapped to the RGB pixels every
    loader must give for them: grey, RGBA (alpha dropped), palette, 16-bit, CMYK, EXIF-turned
    (orientation 6: 90 degrees clockwise), progressive JPEG, WebP, BMP, TIFF, an upper-case
    extension and a name with spaces and non-ASCII letters. JPEGs map to None (lossy)."""
    from PIL import Image
    os.makedirs(folder, exist_ok=True)
    pil, grey = Image.fromarray(img), np.asarray(Image.fromarray(img).convert('L'))
    grey3 = np.repeat(grey[:, :, None], 3, axis=2)
    pil.convert('L').save(os.path.join(folder, 'grey.png'))
    pil.convert('L').save(os.path.join(folder, 'grey.jpg'), quality=95)
    rgba = np.concatenate([img, np.zeros(img.shape[:2] + (1,), np.uint8)], axis=2)
    Image.fromarray(rgba, 'RGBA').save(os.path.join(folder, 'clear.png'))
    palette = pil.convert('P', palette=Image.ADAPTIVE, colors=8)
    palette.save(os.path.join(folder, 'palette.png'))
    assert cv2.imwrite(os.path.join(folder, 'grey16.png'), grey.astype(np.uint16) * 257)
    pil.convert('CMYK').save(os.path.join(folder, 'cmyk.jpg'), quality=95)
    exif = pil.getexif()
    exif[0x0112] = 6
    pil.save(os.path.join(folder, 'turned.png'), exif=exif)
    pil.save(os.path.join(folder, 'progressive.jpg'), progressive=True, quality=95)
    for name in ('lossless.webp', 'plain.bmp', 'plain.tif', 'plain.tiff', 'UPPER.PNG',
                 'my phöto 写真.png'):
        pil.save(os.path.join(folder, name), **({'lossless': True} if 'webp' in name else {}))
    expected = {'grey.png': grey3, 'grey.jpg': None, 'grey16.png': grey3, 'clear.png': img,
                'palette.png': np.asarray(palette.convert('RGB')), 'cmyk.jpg': None,
                'turned.png': np.rot90(img, k=-1), 'progressive.jpg': None}
    expected.update(dict.fromkeys(('lossless.webp', 'plain.bmp', 'plain.tif', 'plain.tiff',
                                   'UPPER.PNG', 'my phöto 写真.png'), img))
    return expected
