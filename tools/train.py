"""Train: python tools/train.py CONFIG [--work_dir DIR] [--fp16] [--resume [auto|PATH]] ..."""
from easycv_like.cli.parsers import train_parser


def main() -> None:
    args = train_parser().parse_args()
    from easycv_like.apis.train_cli import run  # after parsing: --help needs no torch
    run(args)


if __name__ == '__main__':
    main()
