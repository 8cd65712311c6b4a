"""Check every record of a TFRecord shard set (CRCs, Example, image) and list the bad ones.

    python tools/verify_tfrecord.py 'data/products/train-*.tfrecord' [--workers 8]

Exits 1 naming each bad record (shard, record number, byte offset, original file), 0 when all are
good. Worth running once on a copied set that DALI will read: DALI checks no CRC. See docs/data.md.
"""
import argparse
import sys
from collections.abc import Sequence
from typing import Optional


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('shards', nargs='+', help='a glob pattern (quoted) or shard paths')
    parser.add_argument('--workers', type=int, default=0, help='reading processes')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    from easycv_like.apis.cli_errors import user_errors_end_the_run  # after parsing: fast --help
    from easycv_like.errors import UsageError
    from easycv_like.data.tfrecord.verify import verify_tfrecord
    shards = args.shards[0] if len(args.shards) == 1 else args.shards
    with user_errors_end_the_run('verify_tfrecord.py', with_config=False):
        try:
            count, problems = verify_tfrecord(shards, workers=args.workers)
        except ValueError as err:  # a stale index, a mix of shard sets: the set is unusable
            raise UsageError(str(err)) from err
    for message in problems:
        print(message)
    print(f'{count - len(problems)} of {count} records are good, {len(problems)} bad.')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
