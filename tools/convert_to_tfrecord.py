"""Convert an image list, a class-folder tree or CIFAR into sharded TFRecord files (+ .idx).

    python tools/convert_to_tfrecord.py --src-type ImageList --src data/digits/train.txt \
        --out data/digits_tfrecord --prefix train --shards 4 [--max-side 500] [--workers 2]

Writes OUT/{prefix}-{i:05d}-of-{N:05d}.tfrecord, the .idx index beside each (DALI needs them)
and OUT/classes.txt; refuses to overwrite without --force. See docs/data.md.
"""
import argparse
from collections.abc import Sequence
from typing import Optional

from easycv_like.cli.parsers import non_negative_int, out_folder, positive_int
from easycv_like.source_names import CONVERTIBLE_SOURCES, FORMER_NAMES

SOURCE_TYPES = CONVERTIBLE_SOURCES  # the data sources' registered names (the writer's too)


def _source_type(name: str) -> str:
    """A former spelling (``list``, ``folder``, ``cifar``) -> the registered name."""
    return FORMER_NAMES.get(name, name)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--src-type', required=True, choices=SOURCE_TYPES, type=_source_type,
                        help='the data source, by its registered name (former spellings list, '
                        'folder, cifar still work)')
    parser.add_argument('--src', required=True,
                        help='list file (ImageList), class-folder root (ImageFolder) or CIFAR '
                        'folder (Cifar)')
    parser.add_argument('--root', help='folder the list paths are relative to (ImageList only)')
    parser.add_argument('--classes', help='class-name file, one a line; for a folder also the '
                        "training split's folder, so a val folder keeps its labels")
    parser.add_argument('--split', default='train', choices=['train', 'test'],
                        help='CIFAR split (Cifar only)')
    parser.add_argument('--out', required=True, type=out_folder, help='output folder')
    parser.add_argument('--prefix', default='train', help='shard name prefix')
    parser.add_argument('--shards', type=positive_int, default=1, help='number of TFRecord files')
    parser.add_argument('--max-side', type=positive_int,
                        help='shrink images with a longer side above this')
    parser.add_argument('--lossless', action='store_true',
                        help='store re-encoded images (all but plain JPEGs) as PNG: exactly the '
                        "pixels LoadImage reads from the originals, not JPEG quality 95's")
    parser.add_argument('--workers', type=non_negative_int, default=0, help='encoding processes')
    parser.add_argument('--shuffle-seed', type=int,
                        help='write samples in a random order (for class-sorted sources)')
    parser.add_argument('--force', action='store_true', help='replace existing shards')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> list:
    args = parse_args(argv)
    from easycv_like.apis.cli_errors import UsageError, user_errors_end_the_run  # after parsing
    from easycv_like.data.errors import BadSampleError
    from easycv_like.data.tfrecord.writer import convert_to_tfrecord, open_source
    with user_errors_end_the_run('convert_to_tfrecord.py', with_config=False):
        source = open_source(args.src_type, args.src, root=args.root, split=args.split,
                             classes=args.classes)
        if args.shards > len(source):
            raise UsageError(f'--shards {args.shards} is more than the {len(source)} samples of '
                             f'{args.src}.')
        try:
            paths = convert_to_tfrecord(source, args.out, prefix=args.prefix,
                                        num_shards=args.shards, max_side=args.max_side,
                                        lossless=args.lossless, workers=args.workers,
                                        force=args.force, shuffle_seed=args.shuffle_seed)
        except BadSampleError as err:  # the files to fix, without a traceback
            raise UsageError(str(err)) from err
    print(f'wrote {len(source)} records into {len(paths)} shards: {paths[0]} ...')
    return paths


if __name__ == '__main__':
    main()
