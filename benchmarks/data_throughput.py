"""Data-loading throughput of MoCo v2's two-view 224 augmentation along every path, in one run.

    OMP_NUM_THREADS=1 python benchmarks/data_throughput.py [--images 512] [--batch 32] \
        [--workers 2] [--repeats 3] [--paths torchvision,cv2_jpg,tfrecord_cpu,dali]

Writes ``--images`` photo-like 500x375 JPEGs (~52 KB) into a temporary folder, converts them to
TFRecord, then times, with the same number of workers (DataLoader processes or DALI threads):
  torchvision   reference: PIL + torchvision v1 transforms (GaussianBlur(23)), uint8 out
  cv2_jpg       ours: MultiViewDataset over the JPEG files, cv2 transforms, torch DataLoader
  tfrecord_cpu  ours: the same over the TFRecord shards (CPU TFRecord source)
  dali          ours: DaliMultiViewDataset over the TFRecord shards (GPU decode when CUDA exists)
Prints samples/s (median of the repeats, run round robin; a sample is one image, i.e. two views)
and the ratio to the torchvision reference.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

import torch
from mmengine.config import Config
from mmengine.dataset import default_collate
from PIL import Image
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms as T

import easycv_like  # noqa: F401  (registers everything)
from easycv_like.data.sources import ImageList
from easycv_like.data.tfrecord import convert_to_tfrecord
from easycv_like.registry import DATASETS

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from photo_like_images import write_photo_like_jpegs  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CV2_CONFIG = os.path.join(REPO, 'configs/_base_/datasets/imagenet_mocov2.py')
DALI_CONFIG = os.path.join(REPO, 'configs/ssl/mocov2_r50_dali_tfrecord.py')
PATHS = ('torchvision', 'cv2_jpg', 'tfrecord_cpu', 'dali')


class TorchvisionTwoViews(Dataset):
    """The reference: PIL decode and torchvision v1 MoCo v2 transforms, two uint8 views."""

    def __init__(self, list_file: str) -> None:
        self.source = ImageList(list_file)
        self.view = T.Compose([
            T.RandomResizedCrop(224, scale=(0.2, 1.0)),
            T.RandomApply([T.ColorJitter(0.4, 0.4, 0.4, 0.1)], p=0.8),
            T.RandomGrayscale(p=0.2),
            T.RandomApply([T.GaussianBlur(23, sigma=(0.1, 2.0))], p=0.5),
            T.RandomHorizontalFlip(),
            T.PILToTensor()])

    def __len__(self) -> int:
        return len(self.source)

    def __getitem__(self, index: int) -> dict:
        sample = self.source[index]
        with Image.open(sample['img_path']) as img:
            img = img.convert('RGB')
        return {'inputs': [self.view(img), self.view(img)],
                'data_samples': {'gt_label': sample['gt_label']}}


def _torch_loader(dataset: Dataset, args) -> DataLoader:
    return DataLoader(dataset, batch_size=args.batch, shuffle=True, num_workers=args.workers,
                      collate_fn=default_collate, drop_last=False)


def _cv2_dataset(data_source: dict):
    train = Config.fromfile(CV2_CONFIG).data.train
    train.data_source = data_source
    return DATASETS.build(train)


def make_loaders(list_file: str, tfrecord_dir: str, args) -> dict:
    """name -> a function building that path's loader."""
    shards = os.path.join(tfrecord_dir, 'train-*.tfrecord')

    def dali():
        from easycv_like.data.dali import DALILoader
        train = Config.fromfile(DALI_CONFIG).data.train
        train.source = dict(type='TFRecord', shards=shards)
        return DALILoader(DATASETS.build(train), batch_size=args.batch, shuffle=True,
                          num_threads=args.workers)

    return {
        'torchvision': lambda: _torch_loader(TorchvisionTwoViews(list_file), args),
        'cv2_jpg': lambda: _torch_loader(
            _cv2_dataset(dict(type='ImageList', list_file=list_file)), args),
        'tfrecord_cpu': lambda: _torch_loader(
            _cv2_dataset(dict(type='TFRecord', shards=shards)), args),
        'dali': dali,
    }


def samples_per_second(loader, warmup: int) -> float:
    """Images per second over one pass, after ``warmup`` batches (start-up excluded)."""
    batches = iter(loader)
    for _ in range(warmup):
        next(batches)
    count, start = 0, time.perf_counter()
    for batch in batches:
        views = batch['inputs']
        count += len(views[0])
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--images', type=int, default=512)
    parser.add_argument('--batch', type=int, default=32)
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--paths', default=','.join(PATHS))
    args = parser.parse_args()
    names = args.paths.split(',')
    unknown = sorted(set(names) - set(PATHS))
    if unknown:
        parser.error(f'unknown paths {unknown}; choose from {PATHS}')
    warmup = max(2, args.workers)
    if args.images < (warmup + 4) * args.batch:
        parser.error(f'--images must be at least {(warmup + 4) * args.batch} for --batch '
                     f'{args.batch} (warm-up plus a few timed batches)')
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        list_file = write_photo_like_jpegs(folder, args.images)
        tfrecord_dir = os.path.join(folder, 'tfrecord')
        convert_to_tfrecord(ImageList(list_file), tfrecord_dir, num_shards=4,
                            workers=args.workers, progress=False)
        print(f'{args.images} JPEGs of 500x375 (~52 KB) + TFRecord in '
              f'{time.perf_counter() - start:.1f} s; batch {args.batch}, {args.workers} '
              f'workers/threads, {args.repeats} repeats, device: '
              f'{torch.cuda.get_device_name() if torch.cuda.is_available() else "CPU"}')
        loaders = make_loaders(list_file, tfrecord_dir, args)
        rates = {name: [] for name in names}
        for _ in range(args.repeats):  # round robin: load changes hit every path alike
            for name in names:
                rates[name].append(samples_per_second(loaders[name](), warmup))
        reference = statistics.median(rates['torchvision']) if 'torchvision' in rates else None
        for name in names:
            rate = statistics.median(rates[name])
            ratio = f'{rate / reference:5.2f}x' if reference else '   - '
            print(f'{name:>13}: {rate:8.1f} samples/s  {ratio} torchvision  '
                  f'(repeats: {", ".join(f"{r:.1f}" for r in rates[name])})')


if __name__ == '__main__':
    main()
