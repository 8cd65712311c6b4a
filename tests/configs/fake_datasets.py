"""Tiny fake data sets in exactly the layouts the shipped configs read, for training sweeps.

Each maker takes a run folder (the folder ``tools/train.py`` runs from) and writes under the
config's own relative data root: ``data/digits``, ``data/imagenet`` (lists, class folders and
TFRecord shards), ``data/coco``, ``data/VOCdevkit/VOC2012`` and ``data/shapes``. Images are a
few random JPEGs / PNGs; the class lists have the real data sets' lengths (1000 ImageNet
classes, the 80 COCO categories, 21 VOC classes), so the models' class counts match as they
would on the real data.
"""
import json
import os
import os.path as osp
import sys

import numpy as np
from PIL import Image

from ..conftest import REPO
from ..data.image_files import random_image, write_image

sys.path.insert(0, osp.join(REPO, 'tools'))

IMAGENET_CLASSES = 1000
# The COCO 2017 category ids (1..90 with gaps), in the order of configs/_base_/datasets/
# coco_detection.py's class names.
_COCO_IDS = [i for i in range(1, 91) if i not in (12, 26, 29, 30, 45, 66, 68, 69, 71, 83)]


def make_digits(run_dir: str, per_split: int = 4) -> str:
    """``data/digits`` by ``tools/prepare_demo_data.py`` at 32 px (the configs' size), each list
    cut to its first ``per_split`` lines."""
    import prepare_demo_data
    root = osp.join(run_dir, 'data/digits')
    prepare_demo_data.main(['--out', root])
    for split in ('train', 'val'):
        path = osp.join(root, f'{split}.txt')
        with open(path) as f:
            lines = f.readlines()[:per_split]
        with open(path, 'w') as f:
            f.writelines(lines)
    return root


def _write_imagenet_image(path: str, seed: int, size: int) -> None:
    """A random JPEG; as in ImageNet, seeds 1, 2, 3 (mod 4) give a CMYK JPEG, a greyscale JPEG
    and a PNG file named ``.JPEG``."""
    img = Image.fromarray(random_image(seed, size, size + 8))
    os.makedirs(osp.dirname(path), exist_ok=True)
    kind = seed % 4
    if kind == 1:
        img.convert('CMYK').save(path, 'JPEG')
    elif kind == 2:
        img.convert('L').save(path, 'JPEG')
    else:
        img.save(path, 'PNG' if kind == 3 else 'JPEG')


def make_imagenet_lists(run_dir: str, per_split: int = 4, size: int = 40) -> str:
    """``data/imagenet/{train,val}.txt`` (``split/<class>/<n>.JPEG label``) and a 1000-line
    ``classes.txt``; ``per_split`` random images spread over the first classes."""
    root = osp.join(run_dir, 'data/imagenet')
    names = [f'n{i:08d}' for i in range(IMAGENET_CLASSES)]
    os.makedirs(root, exist_ok=True)
    with open(osp.join(root, 'classes.txt'), 'w') as f:
        f.write('\n'.join(names) + '\n')
    for s, split in enumerate(('train', 'val')):
        lines = []
        for i in range(per_split):
            label = i % 3
            rel = f'{split}/{names[label]}/{i}.JPEG'
            _write_imagenet_image(osp.join(root, rel), 100 * s + i, size)
            lines.append(f'{rel} {label}\n')
        with open(osp.join(root, f'{split}.txt'), 'w') as f:
            f.writelines(lines)
    return root


def make_imagenet_tfrecord(run_dir: str, per_split: int = 4) -> str:
    """``data/imagenet/tfrecord/{train,val}-*.tfrecord`` (+ ``.idx``, ``classes.txt``) made by
    ``tools/convert_to_tfrecord.py`` from :func:`make_imagenet_lists`' lists."""
    import convert_to_tfrecord
    root = make_imagenet_lists(run_dir, per_split)
    out = osp.join(root, 'tfrecord')
    for split, shards in (('train', 2), ('val', 1)):
        convert_to_tfrecord.main(['--src-type', 'ImageList',
                                  '--src', osp.join(root, f'{split}.txt'),
                                  '--classes', osp.join(root, 'classes.txt'), '--out', out,
                                  '--prefix', split, '--shards', str(shards), '--force'])
    return out


def _coco_json(path: str, img_dir: str, classes: list, count: int, seed: int, size: int) -> None:
    """As COCO's files are: polygons on every object, a crowd (RLE) region on the first image
    and no annotation at all on the last one (COCO train2017 has about 1000 such images)."""
    rng = np.random.default_rng(seed)
    images, anns = [], []
    for i in range(count):
        name = f'{seed:02d}{i:010d}.jpg'
        write_image(osp.join(img_dir, name), random_image(seed * 100 + i, size, size + 16))
        images.append(dict(id=i + 1, file_name=name, height=size, width=size + 16))
        for _ in range(2 if i < count - 1 or count == 1 else 0):
            x, y = (float(v) for v in rng.integers(0, size // 2, 2))
            w, h = (float(v) for v in rng.integers(8, size // 2, 2))
            anns.append(dict(id=len(anns) + 1, image_id=i + 1,
                             category_id=_COCO_IDS[int(rng.integers(len(classes)))],
                             bbox=[x, y, w, h], area=w * h, iscrowd=0,
                             segmentation=[[x, y, x + w, y, x + w, y + h, x, y + h]]))
        if i == 0:
            anns.append(dict(id=len(anns) + 1, image_id=1, category_id=_COCO_IDS[0],
                             bbox=[0.0, 0.0, 10.0, 10.0], area=100.0, iscrowd=1,
                             segmentation=dict(size=[size, size + 16],
                                               counts=[0, 10] * 10 + [size * (size + 16) - 100])))
    cats = [dict(id=cid, name=name, supercategory='thing') for cid, name in zip(_COCO_IDS, classes)]
    os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(dict(images=images, annotations=anns, categories=cats), f)


def make_coco(run_dir: str, classes: list, per_split: int = 4, size: int = 64) -> str:
    """``data/coco/{train,val}2017/*.jpg`` and ``annotations/instances_{train,val}2017.json``
    with COCO's 80 categories (``classes``, their real ids); see :func:`_coco_json`."""
    root = osp.join(run_dir, 'data/coco')
    for seed, split in enumerate(('train2017', 'val2017')):
        _coco_json(osp.join(root, f'annotations/instances_{split}.json'), osp.join(root, split),
                   classes, per_split, seed, size)
    return root


def _voc_palette() -> list:
    """The VOC colour map (bit-interleaved label colours), flattened for ``Image.putpalette``."""
    palette = []
    for label in range(256):
        r = g = b = 0
        c = label
        for j in range(8):
            r |= ((c >> 0) & 1) << (7 - j)
            g |= ((c >> 1) & 1) << (7 - j)
            b |= ((c >> 2) & 1) << (7 - j)
            c >>= 3
        palette += [r, g, b]
    return palette


def make_voc(run_dir: str, per_split: int = 2, size: int = 48) -> str:
    """``data/VOCdevkit/VOC2012``: ``JPEGImages/<id>.jpg``, palette ``SegmentationClass/<id>.png``
    (labels 0..20 and 255 borders) and ``ImageSets/Segmentation/{train,val}.txt``."""
    root = osp.join(run_dir, 'data/VOCdevkit/VOC2012')
    os.makedirs(osp.join(root, 'SegmentationClass'), exist_ok=True)
    os.makedirs(osp.join(root, 'ImageSets/Segmentation'), exist_ok=True)
    for s, split in enumerate(('train', 'val')):
        ids = [f'2007_{s:02d}{i:04d}' for i in range(per_split)]
        for i, stem in enumerate(ids):
            write_image(osp.join(root, 'JPEGImages', f'{stem}.jpg'), random_image(s * 10 + i, size,
                                                                                  size + 8))
            mask = np.zeros((size, size + 8), np.uint8)
            mask[4:size // 2, 4:size // 2] = 1 + (i % 20)
            mask[size // 2, :] = 255
            img = Image.fromarray(mask, mode='P')
            img.putpalette(_voc_palette())
            img.save(osp.join(root, 'SegmentationClass', f'{stem}.png'))
        with open(osp.join(root, f'ImageSets/Segmentation/{split}.txt'), 'w') as f:
            f.write('\n'.join(ids) + '\n')
    return root


def make_shapes(run_dir: str, num_train: int = 4, num_val: int = 2) -> str:
    """``data/shapes`` by ``tools/make_shapes_dataset.py`` with few, small images."""
    import make_shapes_dataset
    root = osp.join(run_dir, 'data/shapes')
    make_shapes_dataset.main(['--out', root, '--num-train', str(num_train),
                              '--num-val', str(num_val), '--min-side', '64', '--max-side', '96'])
    return root
